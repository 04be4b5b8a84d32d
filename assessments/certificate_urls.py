"""Certificates: a person's own under /certificates/ (namespace "certificates")."""

from django.urls import path

from assessments import my_certificate_views

app_name = "certificates"

urlpatterns = [
    path("", my_certificate_views.my_certificates, name="mine"),
    path("<int:pk>/download/", my_certificate_views.certificate_download, name="download"),
]
