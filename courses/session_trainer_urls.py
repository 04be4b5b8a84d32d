"""URLs of live training (issue 6): the trainer's side in the room; included by
courses/urls.py."""

from django.urls import path

from courses import session_trainer_views as views

urlpatterns: list = [
    path("sessions/run/", views.sessions_to_run, name="sessions_to_run"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "sessions/<int:session_id>/code/",
        views.session_check_in_code,
        name="session_check_in_code",
    ),
    path(
        "sessions/<int:session_id>/code.json",
        views.session_check_in_code_json,
        name="session_check_in_code_json",
    ),
    path("check-in/", views.check_in, name="check_in"),
    path("sessions/<int:session_id>/scoring/", views.session_scoring, name="session_scoring"),
    path(
        "sessions/<int:session_id>/scoring/<int:user_id>/",
        views.evaluation_edit,
        name="evaluation_edit",
    ),
    path(
        "sessions/<int:session_id>/scoring/<int:user_id>/criterion/",
        views.evaluation_criterion,
        name="evaluation_criterion",
    ),
    path(
        "evidence/<int:evaluation_id>/",
        views.evaluation_evidence,
        name="evaluation_evidence",
    ),
]
