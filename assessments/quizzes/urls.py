"""The quiz pages, under /learning/: taking a quiz, and the trainers' results and grading."""

from django.urls import path

from assessments.quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<id:quiz_id>/start/", views.quiz_start, name="start"),
    path("attempts/<id:attempt_id>/", views.attempt_page, name="attempt"),
    path(
        "attempts/<id:attempt_id>/answers/<id:position>/",
        views.answer_save,
        name="answer",
    ),
    path("attempts/<id:attempt_id>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<id:attempt_id>/result/", views.attempt_result, name="result"),
]


# Trainers and HR
urlpatterns += [
    path("quizzes/", views.quiz_list, name="quiz_list"),
    path("quizzes/<id:quiz_id>/results/", views.quiz_results, name="quiz_results"),
    path("quizzes/<id:quiz_id>/analysis/", views.quiz_analysis, name="quiz_analysis"),
    path("grading/", views.grading_queue, name="grading_queue"),
    path("grading/<id:item_id>/", views.grade_item, name="grade_item"),
    path(
        "questions/<id:question_id>/regrade/",
        views.question_regrade,
        name="question_regrade",
    ),
]
