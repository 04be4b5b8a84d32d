"""The five-part assessment's pages, under /assessment/ (namespace "assessment")."""

from assessments import certificate_hr_urls, cycle_urls, dashboard_urls, policy_urls, staff_urls

app_name = "assessment"

urlpatterns = (
    policy_urls.urlpatterns
    + cycle_urls.urlpatterns
    + dashboard_urls.urlpatterns
    + staff_urls.urlpatterns
    + certificate_hr_urls.urlpatterns
)
