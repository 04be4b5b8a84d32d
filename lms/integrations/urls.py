"""Administrators' pages for the API's integration tokens."""

from django.urls import path

from lms.integrations import views

app_name = "integrations"

urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<id:pk>/rotate/", views.token_rotate, name="token_rotate"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
