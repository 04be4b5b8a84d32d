"""The API's endpoints: HTTP only (parse, call a service or selector, answer)."""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations as types.
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from assessments.api import selectors
from assessments.api.auth import TokenAuth, throttle
from assessments.api.schemas import (
    CertificateOut,
    CycleOut,
    ImportOut,
    Message,
    ProblemOut,
    ResultOut,
    RosterIn,
    RowsIn,
)
from assessments.certificates.verification import verification_url
from assessments.imports.problems import Problem
from assessments.imports.services import import_rows
from assessments.models.metrics import ImportKind, ImportState
from lms.models.integrations import TokenScope

MAX_PAGE_SIZE = 500
MAX_PAGE = 2**31 - 1  # so that the page's offset stays a number the database takes


class Page(PageNumberPagination):
    """Pages of 100 (page_size up to 500); the count and the page's length are audited.

    A page_size beyond 500 is refused (422), not cut to 500: a caller stepping through
    pages of the size it asked for would skip rows without knowing."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs):
        super().__init__(page_size=100, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = page[self.items_attribute]
        request.api_counts = {"count": page["count"], "returned": len(items)}
        return page


# Writing: the imports' checks, all or nothing ---------------------------------------------

writes = Router(tags=["Data in"])

IMPORT_ANSWERS = {
    200: ImportOut,
    401: Message,
    403: Message,
    413: Message,
    422: ImportOut,
    429: Message,
}


def _import(request, kind: str, rows: list[dict], *, full_roster: bool = False):
    limit = settings.LMS_API_MAX_ROWS
    if len(rows) > limit:
        raise HttpError(
            413,
            _("At most %(max)s rows in one call; send the rest in further calls.")
            % {"max": limit},
        )
    done = import_rows(kind=kind, rows=rows, by=request.auth.created_by, full_roster=full_roster)
    batch = done.batch
    row_of = {line: index for index, line in enumerate(done.lines, start=1)}
    problems = [
        ProblemOut(
            row=row_of.get(problem.line),
            line=problem.line,
            column=problem.column,
            value=problem.value,
            code=problem.code,
            message=problem.message,
        )
        for problem in (Problem.from_json(data) for data in batch.problems)
    ]
    request.api_counts = {
        "kind": kind,
        "batch": batch.pk,
        "state": batch.state,
        "rows": batch.rows_total,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "left": batch.left,
        "problems": batch.problem_count,
    }
    answer = ImportOut(
        batch=batch.pk,
        state=batch.state,
        rows=batch.rows_total,
        created=batch.created,
        updated=batch.updated,
        unchanged=batch.unchanged,
        rejected=batch.rejected,
        left=batch.left,
        problem_count=batch.problem_count,
        problems=problems,
    )
    return Status(200 if batch.state == ImportState.DONE else 422, answer)


@writes.post(
    "/roster",
    response=IMPORT_ANSWERS,
    auth=TokenAuth(TokenScope.ROSTER_WRITE),
    throttle=throttle,
    url_name="roster",
    summary="Sync the staff roster",
)
def roster(request, payload: RosterIn):
    """Create and update staff, and mark leavers (a `status` of left, or `full_roster`), by
    employee number, with the roster file's columns and checks."""
    return _import(request, ImportKind.ROSTER, payload.rows, full_roster=payload.full_roster)


def _metrics_endpoint(kind: str, summary: str):
    @writes.post(
        f"/metrics/{kind}",
        response=IMPORT_ANSWERS,
        auth=TokenAuth(TokenScope.METRICS_WRITE),
        throttle=throttle,
        url_name=f"metrics_{kind}",
        summary=summary,
        description=(
            f"Add or update {kind} by their natural key, with the {kind} file's columns and "
            "checks: all rows or none."
        ),
        operation_id=f"metrics_{kind}",
    )
    def push(request, payload: RowsIn):
        return _import(request, kind, payload.rows)

    return push


surveys = _metrics_endpoint(ImportKind.SURVEYS, "Push satisfaction survey results")
complaints = _metrics_endpoint(ImportKind.COMPLAINTS, "Push complaints")
efficiency = _metrics_endpoint(ImportKind.EFFICIENCY, "Push efficiency metrics")
teamwork = _metrics_endpoint(ImportKind.TEAMWORK, "Push teamwork evaluations")


# Reading ------------------------------------------------------------------------------------

reads = Router(tags=["Data out"])

READ_ANSWERS = {401: Message, 403: Message, 429: Message}


class ResultFilter(Schema):
    cycle: int | None = Field(None, ge=1, le=2**63 - 1)  # a BigAutoField's range
    employee_number: str | None = None


@reads.get(
    "/cycles",
    response={200: list[CycleOut], **READ_ANSWERS},
    auth=TokenAuth(TokenScope.RESULTS_READ),
    throttle=throttle,
    url_name="cycles",
    summary="Finalised assessment cycles",
)
@paginate(Page)
def cycles(request):
    return selectors.finalised_cycles()


@reads.get(
    "/results",
    response={200: list[ResultOut], **READ_ANSWERS},
    auth=TokenAuth(TokenScope.RESULTS_READ),
    throttle=throttle,
    url_name="results",
    summary="Results of finalised cycles",
)
@paginate(Page)
def results(request, filters: Query[ResultFilter]):
    """Each person's five-part result in finalised cycles only, by cycle and person."""
    return _Mapped(
        selectors.finalised_results(cycle=filters.cycle, employee_number=filters.employee_number),
        _result_out,
    )


@reads.get(
    "/certificates",
    response={200: list[CertificateOut], **READ_ANSWERS},
    auth=TokenAuth(TokenScope.CERTIFICATES_READ),
    throttle=throttle,
    url_name="certificates",
    summary="Certificates",
)
@paginate(Page)
def certificates(request, filters: Query[ResultFilter]):
    """Every certificate issued (revoked ones too, with their status), oldest first."""
    return _Mapped(
        selectors.certificates(cycle=filters.cycle, employee_number=filters.employee_number),
        _certificate_out,
    )


class _Mapped:
    """A queryset whose page's rows are turned into the answer's shape as they are read."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list:
        return [self.shape(row) for row in self.queryset[window]]


def _number(value):
    return None if value is None else float(value)


def _full_name(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.full_name if profile is not None else user.get_full_name()


def _result_out(result) -> dict:
    return {
        "cycle": result.cycle_id,
        "cycle_name": result.cycle.name,
        "employee_number": result.user.username,
        "full_name": _full_name(result.user),
        "org_unit": result.org_unit.code if result.org_unit else None,
        "position": result.position,
        "knowledge": _number(result.knowledge),
        "satisfaction": _number(result.satisfaction),
        "efficiency": _number(result.efficiency),
        "teamwork": _number(result.teamwork),
        "overall": _number(result.overall),
        "grade": result.grade,
        "eligible": result.eligible,
    }


def _certificate_out(certificate) -> dict:
    return {
        "serial": certificate.serial,
        "kind": certificate.kind,
        "status": certificate.status(),
        "employee_number": certificate.user.username,
        "full_name": _full_name(certificate.user),
        "cycle": certificate.cycle_id,
        "course": certificate.course.title if certificate.course_id else None,
        "issued_on": timezone.localdate(certificate.issued_at),
        "expires_on": certificate.expires_on,
        "revoked_at": certificate.revoked_at,
        "verify_url": verification_url(certificate),
    }
