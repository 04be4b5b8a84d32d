"""HR's certificate pages, under /assessment/certificates/ (in the "assessment" namespace)."""

from django.urls import path

from assessments import certificate_hr_views as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/reissue/", views.certificate_reissue, name="certificate_reissue"),
    path("certificates/issue/<int:cycle_id>/", views.certificate_issue, name="certificate_issue"),
    path("certificates/print/", views.certificate_print, name="certificate_print"),
    path("certificates/print/<int:job_id>/", views.print_job, name="print_job"),
    path(
        "certificates/print/<int:job_id>/status/", views.print_job_status, name="print_job_status"
    ),
    path(
        "certificates/print/<int:job_id>/download/",
        views.print_job_download,
        name="print_job_download",
    ),
]
