"""The public verification of certificates, under /verify/ (namespace "verify")."""

from django.urls import path

from assessments import verify_views

app_name = "verify"

urlpatterns = [
    path("", verify_views.verify_form, name="form"),
    path("<str:code>/", verify_views.verify_code, name="code"),
]
