"""List filters for the staff list and the audit log (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.models.accounts import Position, StaffProfile, StaffStatus
from lms.models.audit import AuditAction, AuditEvent
from lms.models.org import OrgUnit


class StaffFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or employee number"), method="search")
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Org unit (and below)"), queryset=OrgUnit.objects.none(), method="under_unit"
    )
    position = django_filters.ChoiceFilter(label=_("Position"), choices=Position.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StaffStatus.choices)

    class Meta:
        model = StaffProfile
        fields = ["q", "org_unit", "position", "status"]

    def __init__(self, *args, org_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org_units is not None:
            self.filters["org_unit"].queryset = org_units
            self.form.fields["org_unit"].queryset = org_units

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(user__username__icontains=value))

    def under_unit(self, queryset, name, unit):
        return queryset.filter(org_unit__path__startswith=unit.path)


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("What"), choices=AuditAction.choices)
    who = django_filters.CharFilter(label=_("Who (employee number)"), method="by_who")
    subject = django_filters.CharFilter(
        label=_("Whose data (employee number)"), method="by_subject"
    )
    since = django_filters.DateFilter(
        label=pgettext_lazy("date range", "From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=pgettext_lazy("date range", "Until"),
        field_name="at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    ip_address = django_filters.CharFilter(
        label=_("IP address starts with"), lookup_expr="startswith"
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "who", "subject", "since", "until", "ip_address"]

    def by_subject(self, queryset, name, value):
        """The person whose data it was: by the label kept with each event, which stays
        when the account goes."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(subject_label__iexact=value)

    def by_who(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor__username__iexact=value)
            | Q(actor_label__iexact=value)
            | Q(object_repr__icontains=value)
        )
