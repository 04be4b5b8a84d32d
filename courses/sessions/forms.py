"""Forms of live sessions: scheduling a session, changing one, a drill's evidence."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from courses.models.live import DrillPage, SessionKind, TrainingSession
from courses.models.pages import CoursePage
from courses.sessions.permissions import (
    audience_problems,
    may_assign_trainer,
    may_open_to_everyone,
)
from lms.forms import OrgUnitChoiceField
from lms.models.accounts import Position, User
from lms.models.org import OrgUnit
from lms.permissions import staff_scope
from lms.platform.uploads import check_upload, largest_allowed
from lms.roles import Role
from lms.selectors import org_units_visible_to


class OrgUnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return OrgUnitChoiceField.label_from_instance(self, obj)


class SessionTimesForm(forms.Form):
    """Date, start and end time in local time (Asia/Shanghai), cleaned into two datetimes."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def _times(self, data: dict) -> None:
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return
        if end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
            return
        zone = timezone.get_current_timezone()
        data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start), zone)
        data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end), zone)


class SessionScheduleForm(SessionTimesForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    drill = forms.ModelChoiceField(
        label=_("Drill"),
        queryset=DrillPage.objects.none(),
        required=False,
        help_text=_("Required for a drill session; only published drills can be chosen."),
    )
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), required=False
    )
    required_for_course = forms.BooleanField(
        label=_("Attending is required to complete the course"), required=False
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500)
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=User.objects.none())
    audience_units = OrgUnitsField(
        label=_("For the staff of"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("And the units below them."),
    )
    audience_everyone = forms.BooleanField(
        label=_("Everyone"),
        required=False,
        help_text=_("Open to all the staff, whatever their unit: leave the units unticked."),
    )
    audience_positions = forms.MultipleChoiceField(
        label=_("For the positions"),
        choices=Position.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every position."),
    )

    field_order = [
        "kind", "title", "description", "drill", "course", "required_for_course",
        "date", "start_time", "end_time", "place", "capacity", "trainer",
        "audience_units", "audience_everyone", "audience_positions",
    ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["drill"].queryset = DrillPage.objects.live().order_by("title")
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["audience_units"].queryset = org_units_visible_to(user).order_by("path")
        # The units the person looks after are ticked to begin with; everyone is a choice
        # of its own, offered only to those who may make it.
        self.fields["audience_units"].initial = list(
            OrgUnit.objects.filter(path__in=staff_scope(user).unit_paths)
        )
        _offer_everyone(self, user)
        if may_assign_trainer(user):
            trainers = User.objects.filter(
                groups__name__in=[Role.TRAINER.value, Role.LEAD_TRAINER.value], is_active=True
            )
            self.fields["trainer"].queryset = (
                (
                    User.objects.filter(pk__in=trainers.values("pk"))
                    | User.objects.filter(pk=user.pk)
                )
                .select_related("profile")
                .order_by("username")
            )
        else:
            self.fields["trainer"].queryset = User.objects.filter(pk=user.pk)
            self.fields["trainer"].disabled = True
        self.fields["trainer"].initial = user.pk

    def clean(self):
        data = super().clean()
        if data.get("kind") == SessionKind.DRILL and not data.get("drill"):
            self.add_error("drill", _("Choose the drill that the session plays."))
        if data.get("kind") != SessionKind.DRILL:
            data["drill"] = None
        if data.get("required_for_course") and not data.get("course"):
            self.add_error("course", _("Choose the course that the session is required for."))
        _check_audience(self, data, trainer=data.get("trainer"))
        self._times(data)
        if data.get("starts_at") and data["starts_at"] <= timezone.now():
            self.add_error("date", _("The session must start in the future."))
        return data

    def service_fields(self) -> dict:
        """The keyword arguments of `sessions.session_schedule`."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "drill": data["drill"],
            "course": data["course"],
            "required_for_course": data["required_for_course"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "place": data["place"],
            "capacity": data["capacity"],
            "trainer": data["trainer"],
            "audience_units": list(data["audience_units"]),
            "audience_everyone": data.get("audience_everyone", False),
            "audience_positions": list(data["audience_positions"]),
        }


def _offer_everyone(form: forms.Form, user) -> None:
    if not may_open_to_everyone(user):
        del form.fields["audience_everyone"]


def _check_audience(form: forms.Form, data: dict, *, trainer) -> None:
    """The audience rule of `courses.sessions.permissions`, shown on the units' field."""
    if "audience_units" in form.errors or "trainer" in form.errors:
        return
    problems = audience_problems(
        by=form.user,
        trainer=trainer,
        units=data.get("audience_units") or [],
        everyone=data.get("audience_everyone", False),
    )
    for problem in problems:
        form.add_error("audience_units", problem)


class SessionEditForm(SessionTimesForm):
    """What may change once people have signed up: time, place, room, description, audience."""

    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=500,
        help_text=_("A larger capacity confirms people from the waiting list, in order."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience_units = SessionScheduleForm.base_fields["audience_units"]
    audience_everyone = SessionScheduleForm.base_fields["audience_everyone"]
    audience_positions = SessionScheduleForm.base_fields["audience_positions"]

    def __init__(self, *args, user, session: TrainingSession, **kwargs):
        starts = timezone.localtime(session.starts_at)
        ends = timezone.localtime(session.ends_at)
        kwargs.setdefault(
            "initial",
            {
                "date": starts.date(),
                "start_time": starts.time(),
                "end_time": ends.time(),
                "place": session.place,
                "capacity": session.capacity,
                "description": session.description,
                "audience_units": list(session.audience_units.all()),
                "audience_everyone": session.audience_everyone,
                "audience_positions": session.audience_positions,
            },
        )
        super().__init__(*args, **kwargs)
        self.user, self.session = user, session
        visible = org_units_visible_to(user)
        chosen = session.audience_units.all()
        self.fields["audience_units"].queryset = (
            OrgUnit.objects.filter(pk__in=visible.values("pk"))
            | OrgUnit.objects.filter(pk__in=chosen.values("pk"))
        ).order_by("path")
        _offer_everyone(self, user)

    def clean(self):
        data = super().clean()
        _check_audience(self, data, trainer=self.session.trainer)
        self._times(data)
        return data


EVIDENCE_TYPES = ("image/", "application/pdf")


# Scoring a drill -------------------------------------------------------------------------


class EvidenceForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence: a photo or a PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _(
            "At most %(max)s. A new file replaces the last one."
        ) % {"max": largest_allowed("evidence")}

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        check_upload(upload, "evidence")
        content_type = (getattr(upload, "content_type", "") or "").lower()
        if not content_type.startswith(EVIDENCE_TYPES):
            raise forms.ValidationError(_("Upload a photo or a PDF file."))
        return upload
