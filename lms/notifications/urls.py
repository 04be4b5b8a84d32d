"""The inbox, one's notification choices, and the administrators' list of failed deliveries."""

from django.urls import path

from lms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<id:pk>/open/", views.open_one, name="open"),
    path("inbox/read-all/", views.read_all, name="read_all"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("notifications/failed/", views.failures, name="failures"),
    path("notifications/failed/<id:pk>/retry/", views.retry, name="retry"),
]
