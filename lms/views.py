"""HTTP only: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from lms import selectors, services
from lms.audit import PersonalRecord, personal_exported, personal_viewed
from lms.filters import AuditFilter, StaffFilter
from lms.forms import LeaveForm, OrgUnitForm, RolesForm, StaffCreateForm, UnitRobotsForm
from lms.models.accounts import StaffProfile
from lms.models.notifications import Channel
from lms.models.org import OrgUnit, UnitRobots
from lms.notifications import selectors as notification_selectors
from lms.notifications import services as notification_services
from lms.notifications.robots import ROBOT_CHANNELS, masked
from lms.permissions import (
    can_read_audit_log,
    may_change_org,
    may_list_staff,
    may_manage_account,
    may_manage_staff,
    may_read_org,
    may_set_robots,
    may_set_roles,
    require,
)
from lms.personal_data import archive_for
from lms.platform.home import home_sections
from lms.platform.middleware import SUPPORTED_LANGUAGES, user_has_mfa
from lms.platform.panels import NOTICE_ORDERS, home_panels, staff_panels
from lms.roles import Role, roles_of
from lms.sso.providers import names as sso_names

PAGE_SIZE = 50


def _filtered_page(request, filterset) -> dict:
    """One page of a filtered list, and the filters' query string for the pager links."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter": filterset,
        "page_obj": Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


def home_page_context(page, request, context) -> dict | None:
    """The home page of a signed-in person: what needs them today, for each of their roles
    (each app's sections), then who they are and each app's panel for them."""
    if request.user.is_authenticated:
        return {
            "summary": selectors.home_summary_for(request.user),
            "notices": home_panels.render(request, request.user, orders=NOTICE_ORDERS),
            "today": home_sections.render(request, request.user),
            "panels": home_panels.render(request, request.user, orders=range(10, 1000)),
        }
    return None


def set_language(request):
    """Django's set_language, also remembered on the account for other devices."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in SUPPORTED_LANGUAGES
    ):
        services.user_set_language(user=request.user, language=language)
    return response


@login_required
def account(request):
    profile = StaffProfile.objects.select_related("org_unit").filter(user=request.user).first()
    return render(
        request,
        "lms/account.html",
        {
            "profile": profile,
            "unit_path": profile.org_unit.full_path_names() if profile else [],
            "roles": [role.label for role in sorted(roles_of(request.user))],
            "has_mfa": user_has_mfa(request.user),
        },
    )


@login_required
def account_access(request):
    """Who has looked at the signed-in person's records (their own looks left out)."""
    page_obj = Paginator(selectors.access_to_records_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "lms/account_access.html",
        {"page_obj": page_obj, "rows": selectors.access_rows(page_obj), "query": ""},
    )


@login_required
def my_data(request):
    """A copy of the signed-in person's own data, as one ZIP file."""
    now = timezone.now()
    content, sections = archive_for(request.user, now=now)
    personal_exported(
        request=request,
        record=PersonalRecord.MY_DATA,
        scope={"sections": sections},
        people=1,
        subject=request.user,
    )
    response = HttpResponse(content, content_type="application/zip")
    name = f"my-data-{request.user.get_username()}-{timezone.localdate(now):%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def staff_list(request):
    require(may_list_staff(request.user))
    org_units = selectors.org_units_visible_to(request.user)
    staff_filter = StaffFilter(
        request.GET, queryset=selectors.staff_visible_to(request.user), org_units=org_units
    )
    return render(
        request,
        "lms/staff_list.html",
        {
            **_filtered_page(request, staff_filter),
            "can_create": may_manage_staff(request.user),
        },
    )


def _visible_profile(user, employee_number: str) -> StaffProfile:
    profile = (
        selectors.staff_visible_to(user)
        .prefetch_related("trainer_units", "user__groups")
        .filter(user__username=employee_number)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


@login_required
def staff_detail(request, employee_number: str):
    profile = _visible_profile(request.user, employee_number)
    personal_viewed(request=request, subject=profile.user, record=PersonalRecord.STAFF)
    roles_form = None
    if may_set_roles(request.user):
        roles_form = RolesForm(
            initial={
                "roles": [group.name for group in profile.user.groups.all()],
                "trainer_units": list(profile.trainer_units.all()),
            }
        )
    return render(
        request,
        "lms/staff_detail.html",
        {
            "profile": profile,
            "unit_path": profile.org_unit.full_path_names(),
            "roles": [Role(group.name).label for group in profile.user.groups.all()],
            "may_manage_account": may_manage_account(request.user, profile.user),
            # LMS_SSO_ONLY: no set-password link for them, the providers' names instead.
            "company_sign_in": sso_names()
            if services.signs_in_with_company_account(profile.user)
            else "",
            "roles_form": roles_form,
            "leave_form": LeaveForm(initial={"left_on": timezone.localdate()}),
            "panels": staff_panels.render(request, profile.user),
        },
    )


@login_required
def staff_create(request):
    require(may_manage_staff(request.user))
    form = StaffCreateForm(
        request.POST or None, org_units=selectors.org_units_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            profile, invitation = services.staff_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                target = "employee_number" if field == "username" else field
                for message in errors:
                    form.add_error(target if target in form.fields else None, message)
        else:
            _tell_invitation(request, invitation, created=True, user=profile.user)
            return redirect("lms:staff_detail", employee_number=profile.user.username)
    return render(request, "lms/staff_form.html", {"form": form})


def _tell_invitation(
    request, invitation: services.Invitation | None, *, created: bool = False, user=None
) -> None:
    """Say where the set-password link went: a link is shown only when it could not be
    e-mailed, to the person who was allowed to ask for it. No link (None): the person signs in
    with the company account."""
    if invitation is None:
        message = _("Account created. %(how_they_sign_in)s") % {
            "how_they_sign_in": services.company_sign_in_message(user)
        }
    elif invitation.emailed:
        message = (
            _("Account created; the set-password link was e-mailed.")
            if created
            else _("A new set-password link was e-mailed.")
        )
    else:
        message = (
            _("Account created. Give the person this one-time set-password link: %(url)s")
            if created
            else _("New one-time set-password link: %(url)s")
        ) % {"url": invitation.url}
    messages.success(request, message)


@require_POST
@login_required
def staff_invite(request, employee_number: str):
    require(may_manage_staff(request.user))
    profile = _visible_profile(request.user, employee_number)
    require(may_manage_account(request.user, profile.user))
    try:
        invitation = services.staff_invite(user=profile.user, by=request.user)
    except ValidationError as refusal:  # signs in with the company account: no link to send
        messages.error(request, refusal.messages[0])
    else:
        _tell_invitation(request, invitation)
    return redirect("lms:staff_detail", employee_number=employee_number)


@require_POST
@login_required
def staff_leave(request, employee_number: str):
    require(may_manage_staff(request.user))
    profile = _visible_profile(request.user, employee_number)
    require(may_manage_account(request.user, profile.user))
    form = LeaveForm(request.POST)
    if form.is_valid():
        services.staff_mark_left(profile=profile, on=form.cleaned_data["left_on"], by=request.user)
        messages.success(
            request,
            _("%(name)s is marked as left; their records are kept.") % {"name": profile.full_name},
        )
    else:
        messages.error(request, _("Give the person's last day as a date."))
    return redirect("lms:staff_detail", employee_number=employee_number)


@require_POST
@login_required
def staff_reinstate(request, employee_number: str):
    require(may_manage_staff(request.user))
    profile = _visible_profile(request.user, employee_number)
    require(may_manage_account(request.user, profile.user))
    services.staff_reinstate(profile=profile, by=request.user)
    messages.success(request, _("%(name)s is active again.") % {"name": profile.full_name})
    return redirect("lms:staff_detail", employee_number=employee_number)


@require_POST
@login_required
def staff_roles(request, employee_number: str):
    require(may_set_roles(request.user))
    profile = _visible_profile(request.user, employee_number)
    form = RolesForm(request.POST)
    if form.is_valid():
        services.staff_roles_change(
            profile=profile,
            roles=form.cleaned_data["roles"],
            trainer_units=form.cleaned_data["trainer_units"],
            by=request.user,
        )
        messages.success(request, _("Roles saved."))
    else:
        messages.error(request, _("The roles could not be saved; check the choices."))
    return redirect(reverse("lms:staff_detail", args=[employee_number]))


@login_required
def org_tree(request):
    require(may_read_org(request.user))
    rows = selectors.org_tree_with_counts()
    can_set_robots = may_set_robots(request.user)
    robots = notification_selectors.units_with_robots() if can_set_robots else {}
    return render(
        request,
        "lms/org_tree.html",
        {
            "rows": [(unit, own, total, robots.get(unit.pk)) for unit, own, total in rows],
            "can_edit": may_change_org(request.user),
            "can_set_robots": can_set_robots,
            "form": OrgUnitForm(),
        },
    )


def _unit_by_code(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def org_unit_robots(request, code: str):
    """An org unit's DingTalk and WeCom group robots: which one reaches its staff, set or
    remove its own, send a test message."""
    require(may_set_robots(request.user))
    unit = _unit_by_code(code)
    saved = UnitRobots.objects.filter(unit=unit).first()
    form = UnitRobotsForm(request.POST if request.method == "POST" else None, saved=saved)
    if request.method == "POST" and form.is_valid():
        try:
            changed = notification_services.unit_robots_change(
                unit=unit,
                change=notification_services.RobotChange(**form.cleaned_data),
                by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request, _("The group robots are saved.") if changed else _("Nothing changed.")
            )
            return redirect("lms:org_unit_robots", code=unit.code)
    directory = notification_selectors.robot_directory()
    enabled = notification_services.enabled_channels(directory)
    reach = []
    for channel in ROBOT_CHANNELS:
        robot = directory.robot(channel, unit.path)
        reach.append(
            {
                "channel": channel,
                "label": Channel(channel).label,
                "robot": robot,
                "own": robot is not None and channel in directory.units.get(unit.path, {}),
                "webhook": masked(robot.webhook) if robot else "",
                "enabled": channel in enabled,
            }
        )
    return render(
        request,
        "lms/org_unit_robots.html",
        {"unit": unit, "unit_path": unit.full_path_names(), "form": form, "reach": reach},
    )


@require_POST
@login_required
def org_unit_robot_test(request, code: str):
    """Send a test message now through the robot that reaches the unit's staff."""
    require(may_set_robots(request.user))
    unit = _unit_by_code(code)
    channel = request.POST.get("channel", "")
    if channel not in ROBOT_CHANNELS:
        raise Http404
    label = Channel(channel).label
    result = notification_services.robot_test_send(unit=unit, channel=channel, by=request.user)
    if result.robot is None:
        messages.error(request, _("No %(channel)s robot reaches this unit.") % {"channel": label})
    elif result.ok:
        messages.success(
            request,
            _("The %(channel)s robot took the test message; it answered: %(answer)s")
            % {"channel": label, "answer": result.answer},
        )
    else:
        messages.error(
            request,
            _("The %(channel)s robot did not take the test message: %(answer)s")
            % {"channel": label, "answer": result.answer},
        )
    return redirect("lms:org_unit_robots", code=unit.code)


@require_POST
@login_required
def org_unit_add(request, code: str | None = None):
    """Add a unit under `code` (its kind is the one below the parent's), or a company."""
    require(may_change_org(request.user))
    parent = None
    if code is not None:
        parent = OrgUnit.objects.filter(code=code).first()
        if parent is None:
            raise Http404
    form = OrgUnitForm(request.POST)
    if form.is_valid():
        try:
            unit = services.orgunit_add(parent=parent, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s added.") % {"name": unit.name})
    else:
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    return redirect("lms:org_tree")


@login_required
def audit_log(request):
    require(can_read_audit_log(request.user))
    audit_filter = AuditFilter(
        request.GET, queryset=selectors.audit_events_visible_to(request.user)
    )
    return render(request, "lms/audit_log.html", _filtered_page(request, audit_filter))
