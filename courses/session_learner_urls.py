"""URLs of live training for the learner (issue 6); included by courses/urls.py."""

from django.urls import path

from courses import session_learner_views as views

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/mine/", views.my_sessions, name="my_sessions"),
    path("sessions/mine/calendar.ics", views.my_sessions_ics, name="my_sessions_ics"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/sign-up/", views.session_signup, name="session_signup"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/calendar.ics", views.session_ics, name="session_ics"),
    path("drills/results/", views.my_drill_results, name="my_drill_results"),
    path("drills/results/<int:evaluation_id>/", views.drill_result, name="drill_result"),
]
