"""docs/api/sync_roster.py, the example client, run as an HR system would run it: a real
process, a CSV file, a real token, against the live test server."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.models import ImportBatch
from lms.models import StaffProfile, StaffStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "api" / "sync_roster.py"


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["工号", "姓名", "组织", "岗位", "入职日期", "status"])
        writer.writerows(rows)
    return path


def run(live_server, token: str, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "LMS_API_TOKEN": token}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--url", live_server.url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_example_script_syncs_a_roster_from_a_csv(people, make_token, live_server, tmp_path):
    token = make_token(["roster:write"])
    roster = write_roster(
        tmp_path / "roster.csv",
        [
            ["N100", "赵新", "华东区/苏州站/园区一组", "courier", "2026-11-02", "active"],
            ["N101", "钱多", "华东区/浦东站/浦东一组", "customer_service", "2026-11-03", "active"],
            ["L002", "李堃", "华东区/浦东站/浦东一组", "courier", "2025-03-01", "left"],
        ],
    )
    done = run(live_server, token, str(roster))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created 2, updated 1" in done.stdout
    assert StaffProfile.objects.get(user__username="N100").org_unit.name == "园区一组"
    assert StaffProfile.objects.get(user__username="L002").status == StaffStatus.LEFT
    assert ImportBatch.objects.get().source == "api"

    again = run(live_server, token, str(roster))
    assert again.returncode == 0 and "Created 0, updated 0, unchanged 3" in again.stdout


def test_the_script_prints_the_rows_problems_and_writes_nothing(
    people, make_token, live_server, tmp_path
):
    roster = write_roster(
        tmp_path / "roster.csv",
        [
            ["N100", "赵新", "华东区/苏州站/园区一组", "courier", "2026-11-02", "active"],
            ["N101", "钱多", "华东区/浦东站/浦东一组", "courier", "2026-13-03", "active"],
        ],
    )
    done = run(live_server, make_token(["roster:write"]), str(roster))
    assert done.returncode == 1
    assert "row 2: Line 3" in done.stdout and "2026-13-03" in done.stdout
    assert not StaffProfile.objects.filter(user__username__in=["N100", "N101"]).exists()
    refused = run(live_server, make_token(["results:read"]), str(roster))
    assert refused.returncode == 2 and "403" in refused.stdout
