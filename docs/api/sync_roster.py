#!/usr/bin/env python3
"""Sync the staff roster from a CSV file through the LMS API. Standard library only.

    LMS_API_TOKEN=lms_… python3 sync_roster.py --url https://lms.example.com roster.csv
    LMS_API_TOKEN=lms_… python3 sync_roster.py --url … --full-roster roster.csv

The CSV has the roster import's columns, with the headers the file import accepts (English
or Chinese: employee number, full name, org unit, position, hire date, and optionally status,
left on, email, phone); UTF-8, with or without a BOM. The token (an administrator creates it
at /integrations/tokens/ with the scope roster:write) is read from LMS_API_TOKEN, never from
the command line, where other users of the machine could see it.

Rows go in calls of at most --rows rows (5,000 by default, the server's LMS_API_MAX_ROWS):
each call is all or nothing, and is safe to send again (people are keyed by employee
number). A full roster (everyone missing from it is marked as having left) must fit in one
call, or people in the other calls would be marked as left. When the server says 429, the
script waits Retry-After seconds and tries again. Exit status: 0 when every row was
imported, 1 when the server refused rows (their problems are printed), 2 on any other error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import urllib.error
import urllib.request

ENDPOINT = "/api/v1/roster"


def read_rows(path: str) -> list[dict[str, str]]:
    """The CSV's rows, keyed by its own headers (the server reads them as a file's)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [
            {header: cell for header, cell in row.items() if header}
            for row in csv.DictReader(handle)
        ]


def post(url: str, token: str, payload: dict, *, language: str, tries: int = 5) -> tuple:
    """POST `payload` as JSON: (status, answer). Waits out 429s, at most `tries` times."""
    body = json.dumps(payload).encode()
    for _ in range(tries):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Accept-Language": language,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 429:
                time.sleep(int(error.headers.get("Retry-After", "60")))
                continue
            try:
                return error.code, json.load(error)
            except ValueError:
                return error.code, {"detail": error.reason}
    return 429, {"detail": "still rate-limited after several tries"}


def sync(
    path: str,
    *,
    base_url: str,
    token: str,
    full_roster: bool = False,
    rows_per_call: int = 5000,
    language: str = "en",
    out=sys.stdout,
) -> int:
    """Send the file's rows; the exit status (see the module's docstring)."""
    rows = read_rows(path)
    if full_roster and len(rows) > rows_per_call:
        print(
            f"A full roster must go in one call: {len(rows)} rows, at most {rows_per_call}.",
            file=out,
        )
        return 2
    url = base_url.rstrip("/") + ENDPOINT
    totals = {"created": 0, "updated": 0, "unchanged": 0, "left": 0}
    for start in range(0, max(len(rows), 1), rows_per_call):
        chunk = rows[start : start + rows_per_call]
        status, answer = post(
            url, token, {"rows": chunk, "full_roster": full_roster}, language=language
        )
        if status == 422 and "problems" in answer:
            for problem in answer["problems"]:
                row = problem.get("row")
                where = f"row {start + row}" if row else "file"
                print(f"{where}: {problem['message']}", file=out)
            print(
                f"Rows {start + 1}-{start + len(chunk)} refused: nothing of them was written.",
                file=out,
            )
            return 1
        if status != 200:
            print(f"The server answered {status}: {answer.get('detail', answer)}", file=out)
            return 2
        for key in totals:
            totals[key] += answer[key]
    print(
        "Created {created}, updated {updated}, unchanged {unchanged}, "
        "marked as left {left}.".format(**totals),
        file=out,
    )
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", help="the roster, as a CSV file")
    parser.add_argument("--url", required=True, help="the site, such as https://lms.example.com")
    parser.add_argument(
        "--full-roster",
        action="store_true",
        help="the whole staff: everyone missing is marked as having left",
    )
    parser.add_argument("--rows", type=int, default=5000, help="rows per call (5000)")
    parser.add_argument("--language", default="en", help="of the problems: en or zh-hans")
    args = parser.parse_args(argv)
    token = os.environ.get("LMS_API_TOKEN", "")
    if not token:
        print("Set LMS_API_TOKEN to the integration token.", file=sys.stderr)
        return 2
    return sync(
        args.csv,
        base_url=args.url,
        token=token,
        full_roster=args.full_roster,
        rows_per_call=args.rows,
        language=args.language,
    )


if __name__ == "__main__":
    sys.exit(main())
