"""The scoring policy's pages, under /assessment/policy/ (HR)."""

from django.urls import path

from assessments.scoring import views

app_name = "scoring"

urlpatterns = [
    path("policy/", views.policy_detail, name="policy"),
    path("policy/edit/", views.policy_edit, name="policy_edit"),
    path("policy/v<id:version>/", views.policy_version, name="policy_version"),
]
