"""Training and sign-off (P9): each person's own status (and recording a policy reading), and
the dashboard of who is overdue or due soon for the DSL, deputies and head teacher."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access

from .. import training
from ..forms.training import PolicyReadingForm, TrainingRecordForm
from ..models import Policy, TrainingRecord
from ..models.training import current_policy_version, people_who_train, requirements
from ..policy import may_log_concern, may_see_training


# One's own training and readings: nobody else's, nothing confidential, so no second factor.
@access.requires(may_log_concern, second_factor=False)
def my_training(request):
    today = timezone.localdate()
    return render(
        request,
        "safeguarding/training_mine.html",
        {
            "today": today,
            "needs": [
                (n, n.state(today), n.state_label(today)) for n in requirements([request.user])
            ],
            "records": TrainingRecord.objects.filter(person=request.user),
            "readings": request.user.policy_readings.all(),
            "version": current_policy_version(today),
            "policies": [
                (p, PolicyReadingForm(initial={"policy": p.value}, prefix=p.value)) for p in Policy
            ],
            "may_see_training": may_see_training(request.user),
        },
    )


@access.requires(may_log_concern, second_factor=False)
@require_POST
def record_reading(request):
    form = PolicyReadingForm(request.POST, prefix=request.POST.get("which", ""))
    if form.is_valid():
        reading = training.record_reading(request.user, form.cleaned_data["policy"])
        messages.success(
            request, f"Thank you: you have read the {reading.get_policy_display().lower()}."
        )
    else:
        messages.error(request, "Tick the box to confirm you have read the policy.")
    return redirect("safeguarding:my_training")


@access.requires(may_see_training)
def dashboard(request):
    """Who is overdue or due within 30 days, by person and course; and a form to record
    completed training."""
    today = timezone.localdate()
    form = TrainingRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.recorded_by = request.user
        record.save()
        messages.success(
            request,
            f"{record.get_course_display()} recorded for {record.person}; "
            f"runs out on {record.expires_on:%d %b %Y}.",
        )
        return redirect("safeguarding:training")
    needs = requirements(people_who_train())
    attention = sorted(
        (n for n in needs if n.state(today) != "ok"),
        key=lambda n: (n.state(today) != "overdue", n.due_on, str(n.person)),
    )
    return render(
        request,
        "safeguarding/training_dashboard.html",
        {
            "today": today,
            "attention": [(n, n.state(today), n.state_label(today)) for n in attention],
            "overdue": sum(1 for n in attention if n.state(today) == "overdue"),
            "due_soon": sum(1 for n in attention if n.state(today) == "due_soon"),
            "people": len({n.person.pk for n in needs}),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
