"""Live training's pages, under /learning/: the learner's sessions, sign-ups, calendars and drill
results; the trainer's pages in the room; scheduling."""

from django.urls import path

from courses.sessions import views

app_name = "sessions"

urlpatterns = [
    # The learner's
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/mine/", views.my_sessions, name="my_sessions"),
    path("sessions/mine/calendar.ics", views.my_sessions_ics, name="my_sessions_ics"),
    path("sessions/<id:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<id:session_id>/sign-up/", views.session_signup, name="session_signup"),
    path("sessions/<id:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<id:session_id>/calendar.ics", views.session_ics, name="session_ics"),
    path("drills/results/", views.my_drill_results, name="my_drill_results"),
    path("drills/results/<id:evaluation_id>/", views.drill_result, name="drill_result"),
    path("check-in/", views.check_in, name="check_in"),
    # The trainer's, in the room
    path("sessions/run/", views.sessions_to_run, name="sessions_to_run"),
    path(
        "sessions/<id:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "sessions/<id:session_id>/code/",
        views.session_check_in_code,
        name="session_check_in_code",
    ),
    path(
        "sessions/<id:session_id>/code.json",
        views.session_check_in_code_json,
        name="session_check_in_code_json",
    ),
    path("sessions/<id:session_id>/scoring/", views.session_scoring, name="session_scoring"),
    path(
        "sessions/<id:session_id>/scoring/<id:user_id>/",
        views.evaluation_edit,
        name="evaluation_edit",
    ),
    path(
        "sessions/<id:session_id>/scoring/<id:user_id>/criterion/",
        views.evaluation_criterion,
        name="evaluation_criterion",
    ),
    path("evidence/<id:evaluation_id>/", views.evaluation_evidence, name="evaluation_evidence"),
    # Scheduling
    path("sessions/new/", views.session_schedule, name="session_schedule"),
    path("sessions/<id:session_id>/edit/", views.session_edit, name="session_edit"),
    path(
        "sessions/<id:session_id>/cancel-session/",
        views.session_cancel_by_trainer,
        name="session_cancel_by_trainer",
    ),
]
