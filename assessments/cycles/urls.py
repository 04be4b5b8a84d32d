"""The pages of cycles, under /assessment/: HR's cycles, the dashboards and exports, one's own
results, appeals, and a person's results for HR and trainers."""

from django.urls import path

from assessments.cycles import views

app_name = "cycles"

urlpatterns = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_create_view, name="cycle_create"),
    path("cycles/<id:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<id:cycle_id>/status/", views.cycle_status, name="cycle_status"),
    path("cycles/<id:cycle_id>/compute/", views.cycle_compute_view, name="cycle_compute"),
    path("cycles/<id:cycle_id>/finalise/", views.cycle_finalise_view, name="cycle_finalise"),
    path("cycles/<id:cycle_id>/dashboard/", views.cycle_dashboard, name="dashboard"),
    path("cycles/<id:cycle_id>/export.xlsx", views.cycle_export, name="cycle_export"),
    path("mine/", views.my_assessment, name="mine"),
    path("mine/<id:cycle_id>/", views.my_assessment, name="mine_cycle"),
    path(
        "mine/<id:cycle_id>/question/<str:part>/",
        views.appeal_raise_view,
        name="appeal_raise",
    ),
    path("cycles/<id:cycle_id>/people/<id:user_id>/", views.person, name="person"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<id:appeal_id>/", views.appeal_detail, name="appeal_detail"),
]
