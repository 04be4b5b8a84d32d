"""The learning pages, under /learning/: my learning, the catalogue, search, assignments,
progress reports."""

from django.urls import path

from courses.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("search/", views.search, name="search"),
    path("courses/<id:course_id>/start/", views.course_start, name="course_start"),
    path("lessons/<id:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("reminders/<id:reminder_id>/dismiss/", views.reminder_dismiss, name="reminder_dismiss"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path(
        "assignments/<id:assignment_id>/cancel/",
        views.assignment_cancel,
        name="assignment_cancel",
    ),
    path("reports/", views.report, name="report"),
    path("reports/people/", views.report_people, name="report_people"),
]
