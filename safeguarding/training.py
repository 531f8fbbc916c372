"""Training and sign-off (P9): recording a reading, and reminding people whose training or
policy reading is due within 30 days or overdue. Reminders name only the course and the date."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import routing, school_time
from .models import Alert, PolicyReading, TrainingReminder
from .models.training import current_policy_version, people_who_train, requirements


def record_reading(person, policy: str, today=None) -> PolicyReading:
    """The person confirms they have read this school year's version of the policy."""
    today = today or timezone.localdate()
    reading, _ = PolicyReading.objects.get_or_create(
        person=person,
        policy=policy,
        version=current_policy_version(today),
        defaults={"read_on": today},
    )
    return reading


def send_reminders(today=None) -> int:
    """Remind each person once when an item becomes due soon and once when it is overdue, on a
    school day (a reminder due on a closed day goes on the next school day)."""
    today = today or timezone.localdate()
    if not school_time.is_working_day(today):
        return 0
    sent = 0
    for need in requirements(people_who_train()):
        stage = need.state(today)
        if stage == "ok":
            continue
        try:
            with transaction.atomic():
                TrainingReminder.objects.create(
                    person=need.person, item=need.item, due_on=need.due_on, stage=stage
                )
                _remind(need, stage)
        except IntegrityError:
            continue  # already reminded at this stage
        sent += 1
    return sent


def _remind(need, stage) -> None:
    due = "overdue" if stage == "overdue" else f"due by {need.due_on:%d %b %Y}"
    if need.last_done is None:
        due = "not yet recorded"
    routing.alert(
        [need.person],
        Alert.Kind.TRAINING_DUE,
        f"{need.label}: {due}.",
        email_template="training_due",
        context={"course": need.label, "due": due},
        url=reverse("safeguarding:my_training"),
    )
