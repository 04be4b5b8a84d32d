"""The confidentiality acknowledgement, under /learning/information-security/."""

from django.urls import path

from courses.acknowledgements import views

app_name = "acknowledgements"

urlpatterns = [
    path("information-security/acknowledge/", views.acknowledge, name="acknowledge"),
    path("information-security/report/", views.report, name="report"),
]
