"""The certificates' pages: one's own under /certificates/, HR's under /assessment/certificates/,
the public verification (printed on every certificate) under /verify/."""

from django.urls import include, path

from assessments.certificates import views

app_name = "certificates"

mine = [
    path("", views.my_certificates, name="mine"),
    path("<id:pk>/download/", views.certificate_download, name="download"),
]

hr = [
    path("", views.certificate_list, name="certificate_list"),
    path("<id:pk>/", views.certificate_detail, name="certificate_detail"),
    path("<id:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("<id:pk>/reissue/", views.certificate_reissue, name="certificate_reissue"),
    path("issue/<id:cycle_id>/", views.certificate_issue, name="certificate_issue"),
    path("print/", views.certificate_print, name="certificate_print"),
    path("print/<id:job_id>/", views.print_job, name="print_job"),
    path("print/<id:job_id>/status/", views.print_job_status, name="print_job_status"),
    path("print/<id:job_id>/retry/", views.print_job_retry, name="print_job_retry"),
    path("print/<id:job_id>/download/", views.print_job_download, name="print_job_download"),
]

verify = [
    path("", views.verify_form, name="verify_form"),
    path("<str:code>/", views.verify_code, name="verify"),
]

urlpatterns = [
    path("certificates/", include(mine)),
    path("assessment/certificates/", include(hr)),
    path("verify/", include(verify)),
]
