"""Reads of what customers said about a person in a cycle's period: the comments left with
their surveys (never who the customer was) and the complaints about them, a page at a time in
one query each; and the complaints of a cycle's people, counted for the dashboard."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Window
from django.utils.translation import gettext as _

from assessments.cycles.storage import period_of
from assessments.models.cycles import AssessmentCycle, AssessmentResult
from assessments.models.metrics import (
    Complaint,
    ComplaintCategory,
    SurveyResult,
    SurveyScale,
    SurveySource,
)
from assessments.scoring.explain import number

COMMENTS_PER_PAGE = 20
COMPLAINTS_PER_PAGE = 20
LAST_PAGE = 10_000  # page numbers asked for beyond this are read as the last page


@dataclass(frozen=True)
class Listing:
    """One page of a list and how many there are in all."""

    items: tuple
    number: int
    per_page: int
    count: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_number(raw) -> int:
    """The page asked for: 1 for anything that is not a whole number above 0."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), LAST_PAGE)


def listing(
    queryset: QuerySet, fields: Sequence[str], make: Callable, *, page, per_page: int
) -> Listing:
    """A page of `queryset` (ordered) as `make(*values of fields)`, with the count in all,
    in one query (a window count beside the rows); a page past the end is the last one."""
    counted = queryset.annotate(in_all=Window(Count("pk"))).values_list(*fields, "in_all")
    number = page_number(page)
    rows = list(counted[(number - 1) * per_page : number * per_page])
    if not rows and number > 1:
        count = queryset.count()
        number = max(1, -(-count // per_page))
        rows = list(counted[(number - 1) * per_page : number * per_page])
    count = rows[0][-1] if rows else 0
    return Listing(tuple(make(*row[:-1]) for row in rows), number, per_page, count)


# Comments ----------------------------------------------------------------------------------


SCALE_TOPS = {SurveyScale.FIVE: 5, SurveyScale.TEN: 10}


@dataclass(frozen=True)
class Comment:
    """What a customer wrote, when and the score they gave; nothing that says who they were
    (no reference, which may be their order number)."""

    date: datetime.date
    text: str
    score: Decimal
    scale: str

    @property
    def score_text(self) -> str:
        if self.scale == SurveyScale.PERCENT:
            return _("%(score)s%%") % {"score": number(self.score)}
        top = SCALE_TOPS.get(self.scale)
        if top is None:
            return number(self.score)
        return _("%(score)s of %(top)s") % {"score": number(self.score), "top": top}


@dataclass(frozen=True)
class SourcedComment(Comment):
    """A comment as HR and trainers read it: with how the customer was asked."""

    source: str = ""

    @property
    def source_label(self) -> str:
        return str(SurveySource(self.source).label) if self.source in SurveySource.values else ""


COMMENT_FIELDS = ("date", "comment", "score", "scale")


def comments_of(user_id: int, cycle: AssessmentCycle, *, page=1, sourced: bool = False) -> Listing:
    """The comments customers left with their surveys of the person in the cycle's period,
    newest first. `sourced`: with how each was asked, for HR and trainers."""
    surveys = (
        SurveyResult.objects.filter(
            user_id=user_id, date__gte=cycle.starts_on, date__lte=cycle.ends_on
        )
        .exclude(comment="")
        .order_by("-date", "-pk")
    )
    if sourced:
        return listing(
            surveys,
            (*COMMENT_FIELDS, "source"),
            SourcedComment,
            page=page,
            per_page=COMMENTS_PER_PAGE,
        )
    return listing(surveys, COMMENT_FIELDS, Comment, page=page, per_page=COMMENTS_PER_PAGE)


# Complaints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintRow:
    reference: str
    category: str
    at_fault: bool
    received_at: datetime.datetime
    first_contact_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    outcome: str

    @property
    def category_label(self) -> str:
        if self.category in ComplaintCategory.values:
            return str(ComplaintCategory(self.category).label)
        return self.category


COMPLAINT_FIELDS = (
    "reference",
    "category",
    "company_at_fault",
    "received_at",
    "first_contact_at",
    "resolved_at",
    "outcome",
)


def complaints_of(user_id: int, cycle: AssessmentCycle, *, page=1) -> Listing:
    """The complaints about the person received in the cycle's period, at fault or not, with
    their handling and outcome, newest first."""
    start, end = period_of(cycle)
    complaints = Complaint.objects.filter(
        user_id=user_id, received_at__gte=start, received_at__lt=end
    ).order_by("-received_at", "-pk")
    return listing(
        complaints, COMPLAINT_FIELDS, ComplaintRow, page=page, per_page=COMPLAINTS_PER_PAGE
    )


def complaint_counts(
    cycle: AssessmentCycle, results: QuerySet[AssessmentResult]
) -> list[tuple[int, str, bool, int]]:
    """(user id, category, at fault, how many) of the complaints received in the cycle's
    period about the people of `results`, in one query."""
    start, end = period_of(cycle)
    return list(
        Complaint.objects.filter(
            received_at__gte=start, received_at__lt=end, user_id__in=results.values("user_id")
        )
        .values("user_id", "category", "company_at_fault")
        .annotate(n=Count("pk"))
        .values_list("user_id", "category", "company_at_fault", "n")
        .order_by()
    )
