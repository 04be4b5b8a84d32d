from django.urls import path

from assessments import import_views

app_name = "data"

urlpatterns = [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/<int:batch_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/status/", import_views.import_status, name="import_status"),
    path("imports/<int:batch_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:batch_id>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("imports/<int:batch_id>/problems/", import_views.import_problems, name="import_problems"),
    path(
        "templates/<str:kind>-<str:language>.<str:fmt>",
        import_views.template_download,
        name="template",
    ),
]
