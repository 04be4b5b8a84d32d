"""What the API takes and gives, as the OpenAPI schema shows it."""

from __future__ import annotations

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

Cell = str | int | float | bool | None


class RowsIn(Schema):
    # A key the payload doesn't have is refused, not skipped: "fullRoster" for
    # "full_roster" would otherwise sync a full roster that marks nobody as left.
    model_config = ConfigDict(extra="forbid")

    rows: list[dict[str, Cell]] = Field(
        ...,
        description=(
            "The rows, each a mapping from a column's header (as in the file templates: "
            "English or Chinese) to its cell. At most LMS_API_MAX_ROWS rows."
        ),
    )


class RosterIn(RowsIn):
    full_roster: bool = Field(
        False,
        description="The whole staff: everyone active who is missing from it is marked as left.",
    )


class ProblemOut(Schema):
    row: int | None = Field(
        None, description="The row (1 for the first of `rows`); null: the payload as a whole."
    )
    line: int = Field(..., description="The line of the import's CSV file (the header is 1).")
    column: str
    value: str
    code: str
    message: str = Field(..., description="In the language of Accept-Language.")


class ImportOut(Schema):
    batch: int = Field(..., description="The import, in HR's import history (source API).")
    state: str = Field(..., description="done (written) or rejected (nothing written).")
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    left: int = Field(..., description="Roster: people marked as left (full roster).")
    problem_count: int
    problems: list[ProblemOut] = Field(..., description="The first 1,000 problems.")


class Message(Schema):
    detail: str


class CycleOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    finalised_at: datetime.datetime | None


class ResultOut(Schema):
    cycle: int
    cycle_name: str
    employee_number: str
    full_name: str
    org_unit: str | None = Field(None, description="Its code, when the cycle was computed.")
    position: str
    knowledge: float | None
    satisfaction: float | None
    efficiency: float | None
    teamwork: float | None
    overall: float | None
    grade: str
    eligible: bool


class CertificateOut(Schema):
    serial: str
    kind: str = Field(..., description="cycle (an assessment) or course (a completion).")
    status: str = Field(..., description="valid, expired or revoked.")
    employee_number: str
    full_name: str
    cycle: int | None
    course: str | None
    issued_on: datetime.date
    expires_on: datetime.date | None
    revoked_at: datetime.datetime | None
    verify_url: str
