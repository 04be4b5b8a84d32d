"""The five-part assessment's pages, under /assessment/ (namespace "assessment")."""

from assessments import cycle_urls, policy_urls

app_name = "assessment"

urlpatterns = policy_urls.urlpatterns + cycle_urls.urlpatterns
