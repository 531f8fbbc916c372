"""The school calendar: the terms and the days the school is closed within them.

The clocks the school keeps (the safeguarding procedure's school minutes and working days, and
later the deadline for sending a record on) count only days the school is open: a weekday in
term that is neither a closure entered here nor a bank holiday (``school_calendar``).
Nothing here is about anyone, so nothing is encrypted; every change is in the audit trail.
"""

from auditlog.registry import auditlog
from django.core.exceptions import ValidationError
from django.db import models

from .base import ConfidentialModel


class _Span(ConfidentialModel):
    """From one day to another, both included."""

    first_day = models.DateField("First day")
    last_day = models.DateField("Last day")

    class Meta:
        abstract = True
        ordering = ["first_day"]

    def clean(self):
        super().clean()
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day must be on or after the first day."})

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class Term(_Span):
    """A term, e.g. "Autumn term 2026" from 2 September to 18 December: outside every term
    (the holidays) the school is closed."""

    name = models.CharField("Name", max_length=60, help_text="For example, Autumn term 2026.")

    class Meta(_Span.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="term_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not (self.first_day and self.last_day) or self.last_day < self.first_day:
            return
        overlapping = Term.objects.filter(
            first_day__lte=self.last_day, last_day__gte=self.first_day
        ).exclude(pk=self.pk)
        other = overlapping.first()
        if other is not None:
            raise ValidationError(
                f"These dates overlap {other.name} ({other.first_day:%-d %B %Y} to "
                f"{other.last_day:%-d %B %Y}). Change the dates, or change that term first."
            )


class Closure(_Span):
    """A day (or days) in term when the school is closed: an INSET (training) day, half term, or
    any other closure (a polling station, snow). One day: the first and last day are the same."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET (training) day"
        HALF_TERM = "half_term", "Half term"
        OTHER = "other", "Other closure"

    kind = models.CharField("Type of closure", max_length=12, choices=Kind.choices)
    reason = models.CharField(
        "Reason",
        max_length=120,
        blank=True,
        help_text="Optional. For example, staff training, or the school is a polling station.",
    )

    class Meta(_Span.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="closure_ends_after_it_starts",
            )
        ]

    def __str__(self):
        what = self.get_kind_display()
        return f"{what} ({self.reason})" if self.reason else what

    def clean(self):
        super().clean()
        if not (self.first_day and self.last_day) or self.last_day < self.first_day:
            return
        # A closure outside every term closes nothing: the school is closed then anyway. With
        # no term entered every weekday is term time, so any closure counts.
        terms = Term.objects.all()
        if not terms.exists():
            return
        if terms.filter(first_day__lte=self.last_day, last_day__gte=self.first_day).exists():
            return
        what = self.get_kind_display() if self.kind else "This closure"
        if self.days == 1:
            when = f"on {self.first_day:%-d %B %Y}"
        else:
            when = f"from {self.first_day:%-d %B %Y} to {self.last_day:%-d %B %Y}"
        raise ValidationError(
            {
                "first_day": f"{what} {when} falls outside every term entered, when the school "
                "is closed anyway. Check the dates, or add the term first."
            }
        )


# Every change to the calendar is in the audit trail: it moves every clock the school keeps.
auditlog.register(Term)
auditlog.register(Closure)
