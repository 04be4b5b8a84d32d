"""The four roles, kept as Django groups that a migration creates.

A person's role decides what they may see; `lms.permissions` turns that into
query filters. Group names are stable identifiers (English); the interface
shows the translated labels below.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    LEARNER = "Learner"
    TRAINER = "Trainer"
    LEAD_TRAINER = "Lead trainer"  # with Trainer: approves drills in the review workflow
    HR = "HR"
    ADMINISTRATOR = "Administrator"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LEARNER: _("Learner"),
    Role.TRAINER: _("Trainer"),
    Role.LEAD_TRAINER: _("Lead trainer"),
    Role.HR: _("HR"),
    Role.ADMINISTRATOR: _("Administrator"),
}

# Model permissions per role ("app_label.codename"). Page permissions for
# trainers are granted on the page tree by the same migration.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.LEARNER: [],
    Role.TRAINER: [
        "wagtailadmin.access_admin",
        "lms.view_staffprofile",
        "lms.view_orgunit",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    Role.LEAD_TRAINER: ["wagtailadmin.access_admin"],
    Role.HR: [
        "wagtailadmin.access_admin",
        "lms.view_staffprofile",
        "lms.add_staffprofile",
        "lms.change_staffprofile",
        "lms.view_orgunit",
        "lms.view_auditevent",
    ],
    Role.ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        "lms.view_staffprofile",
        "lms.add_staffprofile",
        "lms.change_staffprofile",
        "lms.view_orgunit",
        "lms.add_orgunit",
        "lms.change_orgunit",
        "lms.view_auditevent",
        "lms.add_user",
        "lms.change_user",
        "lms.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailcore.view_site",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
    ],
}

# Page permissions granted on the root of the page tree.
ROLE_PAGE_PERMISSIONS: dict[Role, list[str]] = {
    Role.TRAINER: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    Role.ADMINISTRATOR: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}

# Roles that run the training: they see the reports and the admin.
MANAGERS = frozenset({Role.TRAINER, Role.LEAD_TRAINER, Role.HR, Role.ADMINISTRATOR})

# Roles that hold everyone's records: imports, the scoring policy, assessment cycles.
HR_ROLES = frozenset({Role.HR, Role.ADMINISTRATOR})

# Roles that train: they read the assessment results of their org units.
TRAINERS = frozenset({Role.TRAINER, Role.LEAD_TRAINER})

# Roles that schedule and run live sessions.
SESSION_RUNNERS = frozenset({Role.TRAINER, Role.LEAD_TRAINER, Role.ADMINISTRATOR})

# Roles whose accounts must have a second factor when LMS_ENFORCE_MFA is on.
MFA_REQUIRED_ROLES = frozenset({Role.HR, Role.ADMINISTRATOR})


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_lms_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    user._lms_roles = frozenset(roles)
    return user._lms_roles


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user).intersection(roles))


def forget_roles(user) -> None:
    """Drop the cached roles after a change of groups."""
    user.__dict__.pop("_lms_roles", None)


def require_manager(user) -> None:
    """PermissionDenied unless `user` is a trainer, HR or an administrator."""
    from django.core.exceptions import PermissionDenied

    if not has_role(user, *MANAGERS):
        raise PermissionDenied


def is_hr(user) -> bool:
    """Whether `user` is HR or an administrator: holds everyone's records."""
    return has_role(user, *HR_ROLES)


def require_hr(user) -> None:
    """PermissionDenied unless `user` is HR or an administrator."""
    from django.core.exceptions import PermissionDenied

    if not is_hr(user):
        raise PermissionDenied
