"""The two sets of minutes of a meeting (P17).

- **Public minutes**: drafted by the clerk item by item, approved at a later meeting, then
  published (on the public page and as a PDF, as schools publish them on their website).
- **Confidential minutes**: the business the governing body keeps confidential (a member of staff,
  an exclusion, anyone who could be identified). A separate table, so no query of the public
  minutes can reach them; read only by the governors who attended, the clerk and the head teacher
  (``Meeting.relational_permissions``); never published, exported or printed.

An item may move from the public part to the confidential part while the minutes are a draft
(``make_confidential``). Once approved, the minutes are what the governing body agreed and no
item moves; once published, an item kept confidential can never be made public afterwards.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .meetings import Meeting, swap_with_neighbour

NEVER_BACK_AFTER_PUBLICATION = (
    "These minutes have been published, so this item stays in the confidential minutes: an item "
    "kept confidential is never made public afterwards. If something in it may now be shared, "
    "the clerk records it as a new item in the minutes of a later meeting."
)


def _approved_message(meeting) -> str:
    return (
        f"The minutes were approved at the meeting of {meeting.minutes_approved_at}: approved "
        "minutes are what the governing body agreed and are not changed."
    )


def check_may_change(meeting) -> None:
    """Raise ``ValidationError`` (a message for the clerk) unless the minutes are still a draft."""
    if meeting.minutes_published:
        raise ValidationError(
            "These minutes have been published: published minutes are not changed."
        )
    if meeting.minutes_approved:
        raise ValidationError(_approved_message(meeting))


class MinuteItem(ConfidentialModel):
    """What both parts have: a number in the meeting's order, a heading and the minute."""

    number = models.PositiveSmallIntegerField()
    heading = EncryptedCharField("heading", blank=False)
    text = EncryptedTextField("minute", blank=False)

    permissions_from = "meeting"

    class Meta:
        abstract = True
        ordering = ["number", "created_at"]

    def part(self):
        """The other items of the same part of the minutes (public or confidential)."""
        return type(self).objects.filter(meeting=self.meeting)

    def revise(self, heading: str, text: str) -> None:
        """Correct the item while the minutes are a draft (the change log keeps that it changed,
        never what it said)."""
        self.meeting.check_may_edit("this item")
        self.heading, self.text = heading, text
        self.save()

    @transaction.atomic
    def remove(self) -> None:
        """Delete the item while the minutes are a draft; the items after it move up."""
        self.meeting.check_may_edit("this item")
        number = self.number
        self.delete()
        self.meeting.renumber_minutes_after(number)

    def move(self, up: bool) -> bool:
        """Swap places with the item of the same part before (``up``) or after it; the two parts
        share one numbering, so swapping two numbers keeps every number unique."""
        self.meeting.check_may_edit("the order of the items")
        return swap_with_neighbour(self, self.part(), up)


class PublicMinuteItem(MinuteItem):
    """An item of the public minutes: published once the minutes are approved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="public_minutes")

    class Meta(MinuteItem.Meta):
        pass

    def __str__(self):
        # Also the audit trail's label: never the heading.
        return f"Public minute {self.number} of {self.meeting}"

    @transaction.atomic
    def make_confidential(self) -> "ConfidentialMinuteItem":
        """Move this item to the confidential minutes (before approval only): the item leaves
        the public table and is sealed again in the confidential one, keeping its number."""
        check_may_change(self.meeting)
        moved = ConfidentialMinuteItem(
            meeting=self.meeting,
            number=self.number,
            heading=self.heading,
            text=self.text,
            moved_from_public_at=timezone.now(),
        )
        moved.save()
        self.delete()
        return moved


class ConfidentialMinuteItem(MinuteItem):
    """An item of the confidential minutes: never published, never in any export or PDF."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="confidential_minutes"
    )
    moved_from_public_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(MinuteItem.Meta):
        pass

    def __str__(self):
        return f"Confidential minute {self.number} of {self.meeting}"

    @transaction.atomic
    def make_public(self) -> PublicMinuteItem:
        """Move this item back to the public minutes: only while the minutes are a draft, and
        never once they are published (P17)."""
        if self.meeting.minutes_published:
            raise ValidationError(NEVER_BACK_AFTER_PUBLICATION)
        check_may_change(self.meeting)
        moved = PublicMinuteItem(
            meeting=self.meeting, number=self.number, heading=self.heading, text=self.text
        )
        moved.save()
        self.delete()
        return moved


register_confidential(PublicMinuteItem)
register_confidential(ConfidentialMinuteItem)
