"""Reads for HR's certificate pages, the batch printing and the operators' commands.

A certificate's org unit, for the filters and the print order, is its holder's org unit now
(`user.profile.org_unit`); the people still to be issued a cycle's certificate are read from
the cycle's results, so there it is where they were when the cycle was computed.
"""

from __future__ import annotations

import calendar
import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.certificates.permissions import certificate_rule
from assessments.models.appeals import Appeal, AppealState
from assessments.models.certificates import Certificate, CertificateStatus
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from assessments.models.printing import PrintJob
from lms.models.org import OrgUnit

# The order certificates are printed in: by org unit (tree order), then employee number.
PRINT_ORDER = ("user__profile__org_unit__path", "user__username", "pk")


def status_q(status: str, today: datetime.date | None = None) -> Q:
    """The certificates whose `Certificate.status(today)` is `status`."""
    today = today or timezone.localdate()
    if status == CertificateStatus.REVOKED:
        return Q(revoked_at__isnull=False)
    if status == CertificateStatus.EXPIRED:
        return Q(revoked_at__isnull=True, expires_on__lt=today)
    if status == CertificateStatus.VALID:
        return Q(revoked_at__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    raise ValueError(status)


def under_unit_q(unit: OrgUnit, field: str = "user__profile__org_unit") -> Q:
    """Everyone in `unit` or below it: one prefix match on the tree path."""
    return Q(**{f"{field}__path__startswith": unit.path})


def certificates_for_hr() -> QuerySet[Certificate]:
    """Every certificate, with what the list shows, newest first."""
    return Certificate.objects.select_related(
        "user__profile__org_unit", "cycle", "course"
    ).order_by("-issued_at", "-pk")


def certificate_for_hr(pk: int) -> Certificate | None:
    """One certificate with what its page shows (its history, who issued and revoked it)."""
    return (
        Certificate.objects.select_related(
            "user__profile__org_unit",
            "cycle",
            "course",
            "template",
            "seal",
            "issued_by__profile",
            "revoked_by__profile",
            "superseded_by",
            "supersedes",
        )
        .filter(pk=pk)
        .first()
    )


def finalised_cycles() -> QuerySet[AssessmentCycle]:
    return AssessmentCycle.objects.filter(state=CycleState.FINALISED).order_by(
        "-starts_on", "name"
    )


def cycles_with_certificates() -> QuerySet[AssessmentCycle]:
    return AssessmentCycle.objects.filter(
        Exists(Certificate.objects.filter(cycle=OuterRef("pk")))
    ).order_by("-starts_on", "name")


def eligible_without_certificate(
    cycle: AssessmentCycle, unit: OrgUnit | None = None
) -> QuerySet[AssessmentResult]:
    """The cycle's eligible results whose person holds no certificate of it in force (in
    `unit` and below when given: where they were when the cycle was computed)."""
    in_force = Certificate.objects.filter(
        cycle=cycle, user=OuterRef("user"), revoked_at__isnull=True
    )
    results = AssessmentResult.objects.filter(cycle=cycle, eligible=True).filter(~Exists(in_force))
    if unit is not None:
        results = results.filter(under_unit_q(unit, "org_unit"))
    return results


def certificates_for_print(
    *,
    cycle: AssessmentCycle | None = None,
    unit: OrgUnit | None = None,
    ids: list[int] | None = None,
    unprinted: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Certificate]:
    """The certificates in force (neither revoked nor expired) that the filter chooses, in
    print order; those not rendered yet are included (they are rendered when printed),
    except with `unprinted`: then only those the home page counts "to print" (`to_print_q`)."""
    certificates = Certificate.objects.filter(status_q(CertificateStatus.VALID, today))
    if unprinted:
        certificates = certificates.filter(to_print_q(today))
    if cycle is not None:
        certificates = certificates.filter(cycle=cycle)
    if unit is not None:
        certificates = certificates.filter(under_unit_q(unit))
    if ids is not None:
        certificates = certificates.filter(pk__in=ids)
    return certificates.order_by(*PRINT_ORDER)


def recent_print_jobs(limit: int = 10) -> QuerySet[PrintJob]:
    return PrintJob.objects.select_related("created_by__profile").order_by("-created_at", "-pk")[
        :limit
    ]


def find_cycle(name: str) -> AssessmentCycle | None:
    return AssessmentCycle.objects.filter(name=name.strip()).first()


def find_org_unit(text: str) -> OrgUnit | None:
    """An org unit by its code ("pudong") or by its names from the top down, separated by
    "/" ("华东区/上海浦东站"; the company's name may be left out); None when there is no
    such unit or the names fit more than one."""
    text = text.strip()
    if not text:
        return None
    unit = OrgUnit.objects.filter(code=text).first()
    if unit is not None:
        return unit
    names = [part.strip() for part in text.split("/") if part.strip()]
    if not names:
        return None
    found = []
    for candidate in OrgUnit.objects.filter(name=names[-1]):
        path = candidate.full_path_names()
        if path == names or path[1:] == names:
            found.append(candidate)
    return found[0] if len(found) == 1 else None


# Selectors ---------------------------------------------------------------------------------


def certificates_of(user) -> list[Certificate]:
    """A person's certificates of both kinds, newest first, in one query."""
    return list(
        Certificate.objects.filter(user=user)
        .select_related("course", "cycle", "superseded_by", "seal")
        .order_by("-issued_at", "-pk")
    )


def certificate_for_download(user, pk: int) -> Certificate | None:
    """The certificate `pk` if `user` may download it (`permissions.certificate_rule`), else
    None: nobody learns that it exists. One query, plus the user's roles when not the holder."""
    certificate = (
        Certificate.objects.select_related("user__profile__org_unit")
        .only(
            "pk",
            "serial",
            "user_id",
            "pdf",
            "rendered_at",
            "user__id",
            "user__profile__id",
            "user__profile__user_id",
            "user__profile__org_unit__id",
            "user__profile__org_unit__path",
        )
        .filter(pk=pk)
        .first()
    )
    if certificate is None or not certificate_rule.can_read(user, certificate):
        return None
    return certificate


# The home page -----------------------------------------------------------------------------


def to_print_q(today: datetime.date | None = None) -> Q:
    """HR's "to print": the certificates in force, rendered, and in no printout yet (neither
    one printed at once nor a print job's). The home page counts them; the printing page
    chooses them with "not printed yet"."""
    return status_q(CertificateStatus.VALID, today) & Q(
        rendered_at__isnull=False, printed_at__isnull=True
    )


def expiring_this_month_q(today: datetime.date | None = None) -> Q:
    """The certificates in force that expire from today to the end of this month."""
    today = today or timezone.localdate()
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return Q(revoked_at__isnull=True, expires_on__gte=today, expires_on__lte=month_end)


def certificate_counts(today: datetime.date | None = None) -> dict[str, int]:
    """How many certificates are to print and expire this month: {"to_print", "expiring"}.
    One query (over the two partial indexes' rows only)."""
    to_print, expiring = to_print_q(today), expiring_this_month_q(today)
    return Certificate.objects.filter(to_print | expiring).aggregate(
        to_print=Count("pk", filter=to_print), expiring=Count("pk", filter=expiring)
    )


def _count(queryset: QuerySet, field: str) -> Subquery:
    """The rows of `queryset` (correlated on `field` to the outer row), counted: 0 for none."""
    counted = queryset.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def cycles_today(limit_open: int = 3) -> dict:
    """What HR's home page says of the cycles, in one query over the cycles:

    - "open": the newest `limit_open` cycles not finalised, each with `open_appeals`;
    - "appeals": the appeals waiting for an answer (appeals are raised in computed cycles
      only, and a cycle is finalised only once they are answered: the open cycles' sum);
    - "to_issue": the finalised cycles with eligible people holding no certificate of it in
      force, each with `to_issue`, newest first.

    "To issue" is the eligible results (counted from the partial index `result_eligible`)
    less the certificates in force held by one of them (at most one each)."""
    finalised = Q(state=CycleState.FINALISED)
    held = Certificate.objects.filter(cycle=OuterRef("pk"), revoked_at__isnull=True).filter(
        Exists(
            AssessmentResult.objects.filter(
                cycle_id=OuterRef("cycle_id"), user_id=OuterRef("user_id"), eligible=True
            )
        )
    )
    eligible = AssessmentResult.objects.filter(cycle=OuterRef("pk"), eligible=True)
    appeals = Appeal.objects.filter(cycle=OuterRef("pk"), state=AppealState.OPEN)
    cycles = list(
        AssessmentCycle.objects.annotate(
            open_appeals=Case(
                When(finalised, then=Value(0)), default=_count(appeals, "cycle"),
                output_field=IntegerField(),
            ),
            to_issue=Case(
                When(finalised, then=_count(eligible, "cycle") - _count(held, "cycle")),
                default=Value(0), output_field=IntegerField(),
            ),
        ).order_by("-starts_on", "-created_at", "-pk")
    )  # fmt: skip
    open_cycles = [c for c in cycles if c.state != CycleState.FINALISED]
    return {
        "open": open_cycles[:limit_open],
        "appeals": sum(c.open_appeals for c in open_cycles),
        "to_issue": [c for c in cycles if c.state == CycleState.FINALISED and c.to_issue > 0],
    }
