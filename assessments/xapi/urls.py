"""The learning records' page for administrators, under /data/."""

from django.urls import path

from assessments.xapi import views

app_name = "xapi"

urlpatterns = [
    path("learning-records/", views.outbox, name="outbox"),
    path("learning-records/retry/", views.retry, name="retry"),
]
