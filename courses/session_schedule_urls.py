"""URLs of live training (issue 6): the trainers' scheduling pages; included by courses/urls.py."""

from django.urls import path

from courses import session_schedule_views as views

urlpatterns = [
    path("sessions/new/", views.session_schedule, name="session_schedule"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path(
        "sessions/<int:session_id>/cancel-session/",
        views.session_cancel_by_trainer,
        name="session_cancel_by_trainer",
    ),
]
