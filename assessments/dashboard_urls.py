"""URLs of the cycle dashboard and the cycle's export, for HR and trainers (issue 7)."""

from django.urls import path

from assessments import dashboard_views

urlpatterns = [
    path(
        "cycles/<int:cycle_id>/dashboard/",
        dashboard_views.cycle_dashboard,
        name="dashboard",
    ),
    path(
        "cycles/<int:cycle_id>/export.xlsx",
        dashboard_views.cycle_export,
        name="cycle_export",
    ),
]
