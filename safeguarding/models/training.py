"""Training and sign-off (P9): child-protection training with its expiry, and the annual reading of
the confidentiality and child-protection policies.

Everyone who works with children does child-protection training every year; the DSL and the
deputies do DSL training every two years instead. Everyone reads both policies every year. A
reading or a course is "due soon" in the 30 days before it runs out and "overdue" after, or
when it was never done.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.roles import MAY_LOG_CONCERN, SAFEGUARDING_TEAM

DUE_SOON = timedelta(days=30)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Course(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Child-protection (basic) training"
    DSL = "dsl", "DSL training"
    OTHER = "other", "Other safeguarding training"


class Policy(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality policy"
    CHILD_PROTECTION = "child_protection", "Child-protection policy"


# How long a course lasts before it must be done again (P9).
VALID_FOR_YEARS = {Course.CHILD_PROTECTION: 1, Course.DSL: 2, Course.OTHER: 1}


class TrainingRecord(models.Model):
    """A course someone completed, and when it runs out (worked out from the course)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.CharField(max_length=20, choices=Course.choices)
    title = models.CharField(
        "course title", max_length=200, blank=True, help_text="For other training: its name."
    )
    completed_on = models.DateField("completed on")
    expires_on = models.DateField("runs out on", editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["person", "course", "expires_on"])]

    def __str__(self):
        return f"{self.get_course_display()}: {self.person} ({self.completed_on:%d %b %Y})"

    def save(self, *args, **kwargs):
        self.expires_on = _years_after(self.completed_on, VALID_FOR_YEARS[Course(self.course)])
        super().save(*args, **kwargs)

    def clean(self):
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError({"completed_on": "The course cannot be completed in the future."})
        if self.course == Course.OTHER and not self.title.strip():
            raise ValidationError({"title": "Give the name of the training."})


class PolicyReading(models.Model):
    """Someone confirms they have read this year's version of a policy (P9)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_readings"
    )
    policy = models.CharField(max_length=20, choices=Policy.choices)
    version = models.CharField("version or year", max_length=20)
    read_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-read_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "policy", "version"], name="read_each_version_once"
            )
        ]

    def __str__(self):
        return f"{self.person} read the {self.get_policy_display()} ({self.version})"

    @property
    def expires_on(self) -> date:
        return _years_after(self.read_on, 1)


def current_policy_version(today=None) -> str:
    """The school year the reading counts for, e.g. "2026/27" (the year starts in September)."""
    today = today or timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


class TrainingReminder(models.Model):
    """That a reminder was sent, so each person hears once when an item is due soon and once
    when it is overdue, not every time the check runs."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)
    due_on = models.DateField()
    stage = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item", "due_on", "stage"], name="one_reminder_per_stage"
            )
        ]

    def __str__(self):
        return f"Reminder to {self.person} about {self.item} ({self.stage})"


@dataclass(frozen=True)
class Requirement:
    """One thing one person must keep up to date, and where they stand with it."""

    person: object
    item: str  # "course:dsl", "policy:confidentiality"
    label: str
    due_on: date
    last_done: date | None

    def state(self, today) -> str:
        if self.last_done is None or self.due_on < today:
            return "overdue"
        if self.due_on <= today + DUE_SOON:
            return "due_soon"
        return "ok"

    def state_label(self, today) -> str:
        return {"overdue": "Overdue", "due_soon": "Due soon", "ok": "Up to date"}[self.state(today)]


def people_who_train():
    """Everyone who works with children (P9): staff, volunteers, health professionals."""
    return get_user_model().objects.with_roles(*MAY_LOG_CONCERN)


def requirements(people) -> list[Requirement]:
    """Each person's training and readings, in four queries whatever the number of people."""
    people = list(people)
    ids = [p.pk for p in people]
    latest_course, latest_reading = {}, {}
    for record in TrainingRecord.objects.filter(person_id__in=ids).order_by("expires_on"):
        latest_course[(record.person_id, record.course)] = record
    for reading in PolicyReading.objects.filter(person_id__in=ids).order_by("read_on"):
        latest_reading.setdefault(reading.person_id, {})[reading.policy] = reading.read_on
    if len(people) == 1:  # one person (their own page, their dashboard): their roles are known
        on_team = {people[0].pk} if people[0].is_safeguarding_team else set()
    else:
        on_team = set(
            get_user_model()
            .objects.with_roles(*SAFEGUARDING_TEAM)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
    rows = []
    for person in people:
        course = Course.DSL if person.pk in on_team else Course.CHILD_PROTECTION
        done = latest_course.get((person.pk, course))
        rows += requirements_of(
            person,
            course,
            done.completed_on if done else None,
            done.expires_on if done else None,
            latest_reading.get(person.pk, {}),
        )
    return rows


def course_for(person) -> str:
    """The course a person must keep up to date: the DSL course for the team, else basic."""
    return Course.DSL if person.is_safeguarding_team else Course.CHILD_PROTECTION


def requirements_of(person, course, completed_on, expires_on, read_on: dict) -> list[Requirement]:
    """One person's rows, from their latest ``course`` (when completed, when it runs out) and
    the day they last read each policy (``read_on``): what was never done is due from the day
    they joined. The register (``requirements``) and the dashboard's panel, which asks the same
    latest values in its one counting query, both build their rows here."""
    joined = person.date_joined.date()
    rows = [
        Requirement(
            person,
            f"course:{course}",
            Course(course).label,
            expires_on if completed_on else joined,
            completed_on,
        )
    ]
    for policy in Policy:
        read = read_on.get(policy)
        rows.append(
            Requirement(
                person,
                f"policy:{policy}",
                f"Reading the {policy.label.lower()}",
                PolicyReading(read_on=read).expires_on if read else joined,
                read,
            )
        )
    return rows
