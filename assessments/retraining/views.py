"""The retraining rules' pages (HR and lead trainers). HTTP only: parse, ask permissions, call
one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.retraining import selectors, services
from assessments.retraining.forms import RetrainingRuleForm
from assessments.retraining.permissions import may_write_rules, retraining_rule
from lms.audit import PersonalRecord, personal_listed
from lms.permissions import require


@login_required
def rule_list(request):
    require(may_write_rules(request.user))
    rules = [
        (rule, retraining_rule.can_change(request.user, rule))
        for rule in selectors.rules_visible_to(request.user)
    ]
    return render(request, "assessments/retraining/rule_list.html", {"rules": rules})


def _saved(request, form, save):
    try:
        rule = save(form.rule_input())
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(
        request,
        _("Rule “%(name)s” saved; it has given %(count)d courses so far.")
        % {"name": rule.name, "count": rule.causes.count()},
    )
    return redirect("retraining:rule_list")


@login_required
def rule_create(request):
    require(may_write_rules(request.user))
    form = RetrainingRuleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _saved(request, form, lambda data: services.rule_create(data=data, by=request.user))
        if done:
            return done
    return render(request, "assessments/retraining/rule_form.html", {"form": form, "rule": None})


@login_required
def rule_edit(request, rule_id: int):
    require(may_write_rules(request.user))
    rule = get_object_or_404(selectors.rules_visible_to(request.user), pk=rule_id)
    require(retraining_rule.can_change(request.user, rule))
    form = RetrainingRuleForm(request.POST or None, user=request.user, rule=rule)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            request,
            form,
            lambda data: services.rule_update(rule=rule, data=data, by=request.user),
        )
        if done:
            return done
    causes = selectors.causes_of(rule, request.user)
    if causes:  # names the people the rule gave a course
        personal_listed(
            request=request,
            record=PersonalRecord.PROGRESS,
            people=len({cause.user_id for cause in causes}),
            scope={"retraining_rule": rule.pk},
            target=rule,
        )
    return render(
        request,
        "assessments/retraining/rule_form.html",
        {"form": form, "rule": rule, "causes": causes},
    )


@login_required
@require_POST
def rule_deactivate(request, rule_id: int):
    require(may_write_rules(request.user))
    rule = get_object_or_404(selectors.rules_visible_to(request.user), pk=rule_id)
    require(retraining_rule.can_change(request.user, rule))
    if services.rule_deactivate(rule=rule, by=request.user):
        messages.success(request, _("Rule “%(name)s” stopped.") % {"name": rule.name})
    return redirect("retraining:rule_list")
