"""The cycle dashboard and the cycle's export, for HR and (read-only) trainers. HTTP only."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import charts, dashboard, results_export
from assessments.dashboard import Tree
from lms.exports import table_response
from lms.models import OrgUnitKind, Position
from lms.roles import is_hr

MISSING_PER_PAGE = 50
DEFAULT_LEVEL = OrgUnitKind.STATION


class DashboardFilter(forms.Form):
    """Which results the dashboard and the export show: by GET, so that a view is a link."""

    unit = forms.ChoiceField(label=gettext_lazy("Org unit (and below)"), required=False)
    position = forms.ChoiceField(
        label=gettext_lazy("Position"),
        required=False,
        choices=[("", gettext_lazy("All positions")), *Position.choices],
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Averages by"), required=False, choices=OrgUnitKind.choices
    )

    def __init__(self, data, *, units: list[dashboard.Unit]):
        data = data.copy()
        if not data.get("level"):
            data["level"] = DEFAULT_LEVEL
        super().__init__(data)
        self.units = {str(unit.pk): unit for unit in units}
        indented = ((key, "\u3000" * (u.depth - 1) + u.name) for key, u in self.units.items())
        self.fields["unit"].choices = [("", _("All units")), *indented]

    def chosen(self) -> tuple[dashboard.Unit | None, str, str]:
        """The valid choices (unit, position, level); what is not valid is left out."""
        self.is_valid()
        data = self.cleaned_data
        return (
            self.units.get(data.get("unit") or ""),
            data.get("position") or "",
            data.get("level") or DEFAULT_LEVEL,
        )


def _filters(request, tree: Tree) -> DashboardFilter:
    return DashboardFilter(request.GET, units=dashboard.units_visible_to(request.user, tree))


@login_required
def cycle_dashboard(request, cycle_id: int):
    cycle = dashboard.readable_cycle(request.user, cycle_id)
    tree = dashboard.org_tree()
    filters = _filters(request, tree)
    unit, position, level = filters.chosen()
    board = dashboard.cycle_dashboard(
        cycle, request.user, tree, unit=unit, position=position, level=level
    )
    no_data = _("no data")
    parts = [
        (stats, charts.histogram(list(stats.values), title=str(stats.label)))
        for stats in board.parts
    ]
    units_chart = charts.bar_list(
        [(average.label, average.overall) for average in board.units],
        title=_("Overall by org unit"),
        no_data_label=no_data,
    )
    query = request.GET.copy()
    query.pop("missing_page", None)
    missing_page = Paginator(board.missing, MISSING_PER_PAGE).get_page(
        request.GET.get("missing_page")
    )
    return render(
        request,
        "assessments/dashboard/dashboard.html",
        {
            "cycle": cycle,
            "filters": filters,
            "board": board,
            "parts": parts,
            "units_chart": units_chart,
            "level_label": dict(OrgUnitKind.choices)[level],
            "missing_page": missing_page,
            "query": query.urlencode(),
            "is_hr": is_hr(request.user),
        },
    )


@login_required
def cycle_export(request, cycle_id: int):
    cycle = dashboard.readable_cycle(request.user, cycle_id)
    tree = dashboard.org_tree()
    filters = _filters(request, tree)
    if not filters.is_valid():
        message = _("The filters are not valid: %(errors)s") % {
            "errors": " ".join(e for errors in filters.errors.values() for e in errors)
        }
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    unit, position, _level = filters.chosen()
    results = dashboard.filtered_results(cycle, request.user, unit=unit, position=position)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return table_response(
        fmt,
        f"cycle-{cycle.pk}-results",
        results_export.export_headers(),
        results_export.export_rows(results, tree, cycle.policy.policy),
        _("Results"),
    )
