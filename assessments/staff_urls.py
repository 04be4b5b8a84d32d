"""URLs of a person's own assessment, appeals and the person page (issue 7)."""

from django.urls import path

from assessments import appeal_views, my_views

urlpatterns = [
    path("mine/", my_views.my_assessment, name="mine"),
    path("mine/<int:cycle_id>/", my_views.my_assessment, name="mine_cycle"),
    path(
        "mine/<int:cycle_id>/question/<str:part>/",
        appeal_views.appeal_raise_view,
        name="appeal_raise",
    ),
    path("cycles/<int:cycle_id>/people/<int:user_id>/", my_views.person, name="person"),
    path("appeals/", appeal_views.appeal_list, name="appeal_list"),
    path("appeals/<int:appeal_id>/", appeal_views.appeal_detail, name="appeal_detail"),
]
