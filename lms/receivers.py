"""Signal handlers that write the audit log for sign-ins, MFA and role changes."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.permissions import forget_scope
from lms.platform.middleware import MFA_SESSION_KEY
from lms.roles import forget_roles

User = get_user_model()


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, target=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, target=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    given = credentials.get("username") or credentials.get("email") or credentials.get("login")
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_label=str(given or ""),
        request=request,
    )


@receiver(account_signals.password_changed)
def _password_changed(sender, request, user, **kwargs):
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user, target=user, request=request)


@receiver(account_signals.password_reset)
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


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    _mfa_event(AuditAction.MFA_ADDED, request, user, authenticator)


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_SESSION_KEY, None)
    _mfa_event(AuditAction.MFA_REMOVED, request, user, authenticator)


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    _mfa_event(AuditAction.MFA_RECOVERY_CODES_RESET, request, user, authenticator)


@receiver(m2m_changed, sender=User.groups.through)
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
