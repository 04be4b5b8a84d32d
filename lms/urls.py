"""The people and organisation pages: staff, the org tree, the audit log, one's account."""

from django.urls import path

from lms import views

app_name = "lms"


urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/access/", views.account_access, name="account_access"),
    path("account/my-data.zip", views.my_data, name="my_data"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<str:employee_number>/", views.staff_detail, name="staff_detail"),
    path("staff/<str:employee_number>/invite/", views.staff_invite, name="staff_invite"),
    path("staff/<str:employee_number>/leave/", views.staff_leave, name="staff_leave"),
    path("staff/<str:employee_number>/reinstate/", views.staff_reinstate, name="staff_reinstate"),
    path("staff/<str:employee_number>/roles/", views.staff_roles, name="staff_roles"),
    path("org/", views.org_tree, name="org_tree"),
    path("org/add/", views.org_unit_add, name="org_company_add"),
    path("org/<slug:code>/add/", views.org_unit_add, name="org_unit_add"),
    path("org/<slug:code>/robots/", views.org_unit_robots, name="org_unit_robots"),
    path("org/<slug:code>/robots/test/", views.org_unit_robot_test, name="org_unit_robot_test"),
    path("audit/", views.audit_log, name="audit_log"),
]
