"""URLs of the five-part assessment (issue 7); included by assessments/assessment_urls.py."""

from django.urls import path

from assessments import cycle_views

urlpatterns = [
    path("cycles/", cycle_views.cycle_list, name="cycle_list"),
    path("cycles/new/", cycle_views.cycle_create_view, name="cycle_create"),
    path("cycles/<int:cycle_id>/", cycle_views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/status/", cycle_views.cycle_status, name="cycle_status"),
    path("cycles/<int:cycle_id>/compute/", cycle_views.cycle_compute_view, name="cycle_compute"),
    path(
        "cycles/<int:cycle_id>/finalise/", cycle_views.cycle_finalise_view, name="cycle_finalise"
    ),
]
