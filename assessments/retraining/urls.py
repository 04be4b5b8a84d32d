"""The retraining rules' pages, under /assessment/retraining/ (HR and lead trainers)."""

from django.urls import path

from assessments.retraining import views

app_name = "retraining"

urlpatterns = [
    path("retraining/", views.rule_list, name="rule_list"),
    path("retraining/new/", views.rule_create, name="rule_create"),
    path("retraining/<id:rule_id>/", views.rule_edit, name="rule_edit"),
    path("retraining/<id:rule_id>/stop/", views.rule_deactivate, name="rule_deactivate"),
]
