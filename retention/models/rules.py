from django.conf import settings
from django.db import models

from confidentiality.audit import register_confidential


class Action(models.TextChoices):
    DELETE = "delete", "Delete"
    REVIEW = "review", "Review (someone decides)"
    KEEP = "keep", "Keep permanently"


class RetentionRule(models.Model):
    """How long the school keeps one kind of record, as it has decided: the period from the
    kind's starting event and what happens then. A kind without a row keeps the toolkit's
    default (``retention.registry``); the first change saves the row, and every change is in
    the change log with who made it."""

    kind = models.CharField(max_length=50, unique=True)
    years = models.PositiveSmallIntegerField("years kept")
    action = models.CharField("then", max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return f"Retention rule for {self.kind}"


register_confidential(RetentionRule)
