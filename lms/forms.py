"""Forms for sign-in and for HR's staff pages."""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from lms.models.accounts import Position
from lms.models.org import OrgUnit
from lms.roles import ROLE_LABELS, Role


class LoginForm(AllauthLoginForm):
    """allauth's login, labelled for staff: employee number or e-mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("Employee number or e-mail")
        field.widget.attrs.update(
            {"placeholder": "", "autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs["placeholder"] = ""
        # allauth puts a "forgot your password?" link under the field; the page has its own.
        self.fields["password"].help_text = ""


class _CompanySignIn:
    """A password form of allauth's for `self.user`: `company_sign_in` names the providers
    when that person signs in with the company account alone (LMS_SSO_ONLY), else ""; the
    page says so before anything is typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lms.platform.auth import keeps_password
        from lms.sso.providers import names

        self.company_sign_in = names() if self.user and not keeps_password(self.user) else ""


class ResetPasswordKeyForm(_CompanySignIn, AllauthResetPasswordKeyForm):
    """allauth's "choose a password" of a set-password or reset link, refused for whoever signs
    in with the company account alone (LMS_SSO_ONLY): a link sent before it was switched on
    would otherwise give them a password nothing accepts."""

    def clean(self):
        if self.company_sign_in:
            raise forms.ValidationError(
                _(
                    "You sign in with the company account (%(providers)s): passwords are kept "
                    "for administrators only, so this link cannot set one."
                )
                % {"providers": self.company_sign_in},
                code="sso_only",
            )
        return super().clean()


class _CompanySignInOnly(_CompanySignIn):
    """allauth's "change password" and "set password" of a signed-in person, refused for
    whoever signs in with the company account alone (LMS_SSO_ONLY): a password nothing
    accepts, and no way to test the current one either (nothing is checked, nothing saved)."""

    def full_clean(self):
        if not (self.is_bound and self.company_sign_in):
            super().full_clean()
            return
        self._errors, self.cleaned_data = ErrorDict(), {}
        self.add_error(
            None,
            forms.ValidationError(
                _(
                    "You sign in with the company account (%(providers)s): passwords are "
                    "kept for administrators only."
                )
                % {"providers": self.company_sign_in},
                code="sso_only",
            ),
        )


class ChangePasswordForm(_CompanySignInOnly, AllauthChangePasswordForm):
    pass


class SetPasswordForm(_CompanySignInOnly, AllauthSetPasswordForm):
    pass


class _VerificationCode:
    """allauth's code fields say "代码" (the word our org units use): labelled 验证码 as in
    docs/glossary.md, without a placeholder repeating the label, with a numeric keypad."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = _("Verification code")
        field.widget.attrs.update({"placeholder": "", "inputmode": "numeric"})


class AuthenticateForm(_VerificationCode, AllauthAuthenticateForm):
    pass


class ReauthenticateForm(_VerificationCode, AllauthReauthenticateForm):
    pass


class ActivateTOTPForm(_VerificationCode, AllauthActivateTOTPForm):
    pass


class OrgUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.depth_indent}{obj.name}"


class StaffCreateForm(forms.Form):
    employee_number = forms.CharField(label=_("Employee number"), max_length=32)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    org_unit = OrgUnitChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    hire_date = forms.DateField(
        label=_("Hire date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "The set-password link is sent here. Without one, hand the link over in person."
        ),
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args, org_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.LMS_SSO_ONLY:
            self.fields["email"].help_text = _(
                "Staff sign in with the company account: no set-password link is sent, except "
                "to administrators."
            )
        self.fields["org_unit"].queryset = (
            org_units if org_units is not None else OrgUnit.objects.all()
        )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role.value, ROLE_LABELS[role]) for role in Role],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    trainer_units = forms.ModelMultipleChoiceField(
        label=_("Org units followed as trainer"),
        queryset=OrgUnit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class OrgUnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("A short, stable identifier used by imports, e.g. sh-pudong."),
    )


class UnitRobotsForm(forms.Form):
    """An org unit's group robots. The saved webhooks and secret are never put back in the
    fields: a blank field keeps what is saved, "remove" clears it."""

    dingtalk_webhook = forms.CharField(
        label=_("DingTalk robot webhook"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
    )
    dingtalk_secret = forms.CharField(
        label=_("DingTalk signing secret (加签)"),
        max_length=200,
        required=False,
        # Not the administrator's own password: the browser should not fill it in.
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    dingtalk_remove = forms.BooleanField(
        label=_("Remove this unit's DingTalk robot"), required=False
    )
    wecom_webhook = forms.CharField(
        label=_("WeCom robot webhook"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
    )
    wecom_remove = forms.BooleanField(label=_("Remove this unit's WeCom robot"), required=False)

    def __init__(self, *args, saved=None, **kwargs):
        super().__init__(*args, **kwargs)
        from lms.notifications.robots import masked

        fields = self.fields
        fields["dingtalk_webhook"].widget.attrs["placeholder"] = (
            "https://oapi.dingtalk.com/robot/send?access_token=…"
        )
        fields["wecom_webhook"].widget.attrs["placeholder"] = (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        )
        for name in ("dingtalk_webhook", "dingtalk_secret", "wecom_webhook"):
            value = getattr(saved, name, "") if saved else ""
            fields[name].help_text = (
                _("Saved: %(value)s. Leave blank to keep it.") % {"value": masked(value)}
                if value
                else _("None saved.")
            )
        if not (saved and (saved.dingtalk_webhook or saved.dingtalk_secret)):
            del fields["dingtalk_remove"]
        if not (saved and saved.wecom_webhook):
            del fields["wecom_remove"]


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
