from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("quizzes/<int:quiz_id>/start/", views.quiz_start, name="start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path(
        "attempts/<int:attempt_id>/answers/<int:position>/",
        views.answer_save,
        name="answer",
    ),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="result"),
]
