"""Every receiver of the lms app, connected in one place with its sender (`connect`, called by
LmsConfig.ready): the audit log of sign-ins, passwords, MFA and roles; other sessions ended
when a second factor is removed or reset; the pages' version that
the page caches key on (`lms.platform.routing`); the cached signed-in person
(`lms.platform.user_cache`)."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from wagtail.models import get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.audit import audit_record
from lms.models.accounts import StaffProfile
from lms.models.audit import AuditAction
from lms.permissions import forget_scope
from lms.platform import routing, user_cache
from lms.platform.middleware import MFA_SESSION_KEY
from lms.platform.sessions import sessions_end_others
from lms.roles import forget_roles

User = get_user_model()


def connect() -> None:
    """Connect every receiver of the app, each to the senders it is for."""
    # The audit log: sign-ins, passwords, second factors, roles.
    for signal, receiver, sender in [
        (user_logged_in, _logged_in, User),
        (user_logged_out, _logged_out, User),
        # Django sends this with the name of its auth module as the sender.
        (user_login_failed, _login_failed, auth.__name__),
        (account_signals.password_changed, _password_changed, User),
        (account_signals.password_reset, _password_reset, User),
        (mfa_signals.authenticator_added, _mfa_added, Authenticator),
        (mfa_signals.authenticator_removed, _mfa_removed, Authenticator),
        (mfa_signals.authenticator_reset, _mfa_reset, Authenticator),
        (m2m_changed, _roles_changed, User.groups.through),
    ]:
        signal.connect(receiver, sender=sender, dispatch_uid=f"lms.audit.{receiver.__name__}")
    # The unread badge, counted at sign-in: every page reads it from the cache.
    user_logged_in.connect(_count_unread, sender=User, dispatch_uid="lms.notifications.unread")
    # The pages' version: any page, site, view restriction, image or document saved or deleted,
    # any page saved, published, unpublished or moved (as its own class: LessonPage...).
    pages = [(post_save, m) for m in routing.content_models()]
    pages += [(post_delete, m) for m in routing.content_models()]
    for signal in (post_save, page_published, page_unpublished, post_page_move):
        pages += [(signal, m) for m in get_page_models()]
    for signal, sender in pages:
        signal.connect(routing.pages_changed, sender=sender, dispatch_uid="lms.routing.pages")
    # The cached signed-in person: their account, profile or groups, or a group, changed.
    for signal, receiver, sender in [
        (post_save, user_cache.user_changed, User),
        (post_delete, user_cache.user_changed, User),
        (post_save, user_cache.profile_changed, StaffProfile),
        (post_delete, user_cache.profile_changed, StaffProfile),
        (m2m_changed, user_cache.groups_changed, User.groups.through),
        (post_save, user_cache.group_changed, Group),
        (pre_delete, user_cache.group_changed, Group),
    ]:
        signal.connect(receiver, sender=sender, dispatch_uid=f"lms.user_cache.{receiver.__name__}")


def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, target=user, request=request)


def _count_unread(sender, request, user, **kwargs):
    from lms.notifications.selectors import refresh_unread

    refresh_unread(user.pk)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, target=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    given = credentials.get("username") or credentials.get("email") or credentials.get("login")
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_label=str(given or ""),
        request=request,
    )


def _password_changed(sender, request, user, **kwargs):
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user, target=user, request=request)


def _password_reset(sender, request, user, **kwargs):
    audit_record(action=AuditAction.PASSWORD_RESET, actor=user, target=user, request=request)


def _mfa_event(action, request, user, authenticator):
    audit_record(
        action=action,
        actor=user,
        target=user,
        request=request,
        details={"type": authenticator.type} if authenticator is not None else {},
    )


def _mfa_added(sender, request, user, authenticator, **kwargs):
    _mfa_event(AuditAction.MFA_ADDED, request, user, authenticator)


def _mfa_removed(sender, request, user, authenticator, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_SESSION_KEY, None)
    _end_other_sessions(request, user)
    _mfa_event(AuditAction.MFA_REMOVED, request, user, authenticator)


def _mfa_reset(sender, request, user, authenticator, **kwargs):
    _end_other_sessions(request, user)
    _mfa_event(AuditAction.MFA_RECOVERY_CODES_RESET, request, user, authenticator)


def _end_other_sessions(request, user):
    """A second factor removed or its codes replaced: the browsers that signed in with the old
    ones (perhaps a thief's) are signed out; the one making the change stays signed in."""
    session = getattr(request, "session", None)
    sessions_end_others(user=user, keep=session.session_key if session is not None else None)


def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Every change of groups, from a service, the Wagtail admin or a shell, is audited."""
    if action == "pre_clear":
        if reverse:
            instance._lms_cleared = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._lms_cleared = list(instance.groups.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_lms_cleared", []))
        kind = AuditAction.ROLE_REMOVED
    elif action == "post_add":
        kind = AuditAction.ROLE_ADDED
    elif action == "post_remove":
        kind = AuditAction.ROLE_REMOVED
    else:
        return
    if not pk_set:
        return
    if reverse:  # group.user_set.add(...)
        pairs = [(user, instance) for user in User.objects.filter(pk__in=pk_set)]
    else:  # user.groups.add(...)
        pairs = [(instance, group) for group in Group.objects.filter(pk__in=pk_set)]
    for user, group in pairs:
        forget_roles(user)
        forget_scope(user)
        audit_record(action=kind, target=user, details={"role": group.name})
