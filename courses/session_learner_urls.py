"""URLs of live training (issue 6); included by courses/urls.py."""

urlpatterns: list = []
