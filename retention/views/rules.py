from dataclasses import replace

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from confidentiality.audit import record_list_look

from ..audit_words import AREA
from ..forms import RuleForm
from ..models import RetentionRule
from ..models.rules import Action
from ..notifications import tell_of_rule_change
from ..registry import in_order, kinds
from ..schedule import Rule, Schedule
from . import retention_page


@retention_page
def rule_list(request):
    schedule = Schedule()
    rows = [{"kind": kind, "rule": schedule.rules[kind.key]} for kind in in_order()]
    record_list_look(request, "retention rules", area=AREA)
    return render(request, "retention/rules.html", {"rows": rows})


@retention_page
def edit_rule(request, kind):
    """The school's period and action for one kind, in place of the toolkit's default."""
    kind = kinds.get(kind)
    if kind is None or kind.fixed:
        raise Http404
    rule = Schedule().rules[kind.key]
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        initial={"years": rule.years, "action": rule.action},
    )
    if form.is_valid():
        years, action = form.cleaned_data["years"], form.cleaned_data["action"]
        with transaction.atomic():
            # The change log entry of the rule (who, before, after) is the audit trail's record.
            RetentionRule.objects.update_or_create(
                kind=kind.key,
                defaults={"years": years, "action": action, "changed_by": request.user},
            )
            after = Rule(years, action, saved=True)
            if after != replace(rule, saved=True):
                tell_of_rule_change(kind, rule, after, request.user)
        messages.success(request, f"The rule for {kind.label.lower()} is saved.")
        return redirect(reverse("retention:rules"))
    if request.method == "GET":
        record_list_look(request, "retention rule", area=AREA)
    return render(
        request,
        "retention/rule_form.html",
        {"form": form, "kind": kind, "rule": rule, "default_action": Action(kind.action).label},
        status=400 if form.is_bound and form.errors else 200,
    )
