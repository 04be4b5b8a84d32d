"""The filters of HR's certificate list (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.certificates.selectors import (
    cycles_with_certificates,
    expiring_this_month_q,
    status_q,
    under_unit_q,
)
from assessments.models.certificates import Certificate, CertificateKind, CertificateStatus
from assessments.models.cycles import AssessmentCycle
from lms.models.org import OrgUnit


def org_unit_choices() -> QuerySet[OrgUnit]:
    """The org units in tree order (names indented by depth in the pickers)."""
    return OrgUnit.objects.order_by("path")


class _UnitChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.depth_indent}{obj.name}"


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = _UnitChoiceField


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, employee number or serial"), method="search", max_length=100
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CertificateKind.choices)
    cycle = django_filters.ModelChoiceFilter(
        label=_("Cycle"), queryset=AssessmentCycle.objects.none()
    )
    org_unit = UnitFilter(
        label=_("Org unit (and below)"), queryset=OrgUnit.objects.none(), method="under_unit"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CertificateStatus.choices, method="by_status"
    )
    expiring = django_filters.ChoiceFilter(
        label=_("Expiring"), choices=[("month", _("This month"))], method="by_expiry"
    )

    class Meta:
        model = Certificate
        fields = ["q", "kind", "cycle", "org_unit", "status", "expiring"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("cycle", cycles_with_certificates()),
            ("org_unit", org_unit_choices()),
        ):
            self.filters[name].queryset = queryset
            self.form.fields[name].queryset = queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__profile__full_name__icontains=value)
            | Q(user__username__iexact=value)
            | Q(serial__icontains=value)
        )

    def under_unit(self, queryset, name, unit):
        return queryset.filter(under_unit_q(unit))

    def by_status(self, queryset, name, value):
        return queryset.filter(status_q(value))

    def by_expiry(self, queryset, name, value):
        """In force and expiring from today to the end of this month (the home page's count)."""
        return queryset.filter(expiring_this_month_q())
