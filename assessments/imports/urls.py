"""HR's data imports, under /data/: upload, check, confirm, history, blank templates."""

from django.urls import path

from assessments.imports import views

app_name = "imports"


urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<id:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<id:batch_id>/status/", views.import_status, name="import_status"),
    path("imports/<id:batch_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<id:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<id:batch_id>/retry/", views.import_retry, name="import_retry"),
    path("imports/<id:batch_id>/problems/", views.import_problems, name="import_problems"),
    path(
        "templates/<str:kind>-<str:language>.<str:fmt>",
        views.template_download,
        name="template",
    ),
]
