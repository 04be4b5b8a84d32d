"""wagtail.users, configured: the admin's list of groups shows the roles' labels in the
person's language (`lms.platform.groups.GroupViewSet`). Wagtail's documented way: the app's
config names its `group_viewset`, and INSTALLED_APPS lists this config instead."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    group_viewset = "lms.platform.groups.GroupViewSet"
