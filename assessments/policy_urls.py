"""URLs of the scoring policy (issue 7); included by assessments/assessment_urls.py."""

from django.urls import path

from assessments import policy_views

urlpatterns = [
    path("policy/", policy_views.policy_detail, name="policy"),
    path("policy/edit/", policy_views.policy_edit, name="policy_edit"),
    path("policy/v<int:version>/", policy_views.policy_version, name="policy_version"),
]
