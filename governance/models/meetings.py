"""Meetings of the governing body and its committees (P16, P17): when and where, the agenda, who
attended or sent apologies, and the papers.

The committee, the date and the place are plain columns: the school publishes them with the
minutes. Agenda items and papers (their titles, names and content) are encrypted: a draft agenda
or a paper for a confidential item says more than the school publishes.

Who may read a meeting's confidential minutes is a relation, decided when asked
(``Meeting.relational_permissions``): the governors who attended that meeting, the clerk and the
head teacher. No role holds it for every meeting, so a governor who sent apologies, a parent or the
DSL never reads them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
)
from confidentiality.models import ConfidentialModel
from confidentiality.roles import Role


class Committee(models.TextChoices):
    FULL = "full", "Full governing body"
    RESOURCES = "resources", "Resources committee"
    CURRICULUM = "curriculum", "Curriculum and standards committee"
    PAY = "pay", "Pay committee"
    ADMISSIONS = "admissions", "Admissions committee"
    DISCIPLINE = "discipline", "Pupil discipline committee"


class MeetingQuerySet(models.QuerySet):
    def minutes_published(self):
        """Meetings whose public minutes the school has published (on its website)."""
        return self.filter(minutes_published_at__isnull=False)

    def upcoming(self, now=None):
        return self.filter(held_at__gte=now or timezone.now()).order_by("held_at")


class Meeting(ConfidentialModel):
    """One meeting of the full governing body or of a committee.

    Its minutes come in two parts kept in separate tables: the public minutes
    (``PublicMinuteItem``), approved at a later meeting and then published, and the confidential
    minutes (``ConfidentialMinuteItem``), never published (P17)."""

    committee = models.CharField(max_length=20, choices=Committee.choices, default=Committee.FULL)
    held_at = models.DateTimeField("date and time")
    place = models.CharField("place", max_length=200)
    # The address of its published minutes on the public page: date and committee, nothing more.
    slug = models.SlugField(max_length=80, unique=True, editable=False)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The minutes are approved at a later meeting of the same body, then published.
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes_approved_here",
        verbose_name="the meeting that approved the minutes",
    )
    minutes_approval_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_approval_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    minutes_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at"]
        permissions = [
            ("manage_meeting", "Call meetings, record attendance and draft the minutes"),
            ("read_confidential_minutes", "Read the confidential minutes of a meeting"),
        ]

    def __str__(self):
        # Also the audit trail's label: the body and the date, as the school publishes them.
        return f"{self.get_committee_display()}, {timezone.localtime(self.held_at):%d %b %Y}"

    @classmethod
    def relational_permissions(cls, user) -> dict:
        """P17: the confidential minutes are read by the governors who attended the meeting, and
        by the clerk and the head teacher (every meeting: a Q that matches every row)."""
        if user.has_role(Role.CLERK, Role.HEAD_TEACHER):
            return {"read_confidential_minutes": ~Q(pk=None)}
        if user.has_role(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
            return {
                "read_confidential_minutes": Q(
                    attendances__person=user, attendances__status=Attendance.Status.ATTENDED
                )
            }
        return {}

    def save(self, *args, **kwargs):
        if not self.slug:
            body = slugify(self.get_committee_display())
            base = f"{timezone.localtime(self.held_at):%Y-%m-%d}-{body}"
            slug, n = base, 1
            while Meeting.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().save(*args, **kwargs)

    # --- where the minutes stand ----------------------------------------------------------------

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at_id is not None

    @property
    def minutes_published(self) -> bool:
        return self.minutes_published_at is not None

    @property
    def minutes_state(self) -> str:
        if self.minutes_published:
            return "Published"
        if self.minutes_approved:
            return "Approved, not yet published"
        return "Draft"

    def check_may_edit(self, what: str) -> None:
        """Raise ``ValidationError`` (a message for the clerk) unless the minutes are still a
        draft: once approved they are what the governing body agreed, and once published they are
        on the school's website. ``what`` names what would change, for the message."""
        correction = "A correction is recorded as a new item in the minutes of a later meeting."
        if self.minutes_published:
            raise ValidationError(
                f"The minutes of this meeting are published, so {what} can no longer be "
                f"changed. {correction}"
            )
        if self.minutes_approved:
            raise ValidationError(
                f"The minutes were approved at the meeting of {self.minutes_approved_at}, so "
                f"{what} can no longer be changed: approved minutes are what the governing body "
                f"agreed. {correction}"
            )

    def change_details(self, committee: str, held_at, place: str) -> None:
        """Correct the body, the date or the place while the minutes are a draft. The address of
        the published minutes follows the new date and body (nothing is published yet)."""
        self.check_may_edit("the meeting's details")
        approved_here = self.minutes_approved_here.order_by("-held_at").first()
        if approved_here is not None and (
            committee != self.committee or held_at <= approved_here.held_at
        ):
            raise ValidationError(
                f"The minutes of the meeting of {approved_here} were approved at this meeting, "
                "so it stays a later meeting of the same body."
            )
        if (committee, held_at) != (self.committee, self.held_at):
            self.slug = ""  # made again from the new date and body by ``save``
        self.committee, self.held_at, self.place = committee, held_at, place
        self.save()

    def renumber_minutes_after(self, number: int) -> None:
        """Close the gap a removed item leaves: the items after it, in both parts (they share
        one numbering), move up by one. Saved one by one so each change is in the trail."""
        for part in (self.public_minutes, self.confidential_minutes):
            for item in part.filter(number__gt=number).order_by("number"):
                item.number -= 1
                item.save(update_fields=["number", "updated_at"])

    def next_item_number(self) -> int:
        """Public and confidential items share one numbering (the order of the agenda), so an
        item keeps its number when it moves part."""
        numbers = [
            *self.public_minutes.values_list("number", flat=True),
            *self.confidential_minutes.values_list("number", flat=True),
        ]
        return max(numbers, default=0) + 1

    def meetings_that_may_approve(self):
        """Later meetings of the same body: minutes are approved at the next meeting."""
        return Meeting.objects.filter(committee=self.committee, held_at__gt=self.held_at).order_by(
            "held_at"
        )

    def approve_minutes(self, at: "Meeting", by) -> None:
        """Record that the minutes (both parts) were approved at the later meeting ``at``."""
        if self.minutes_approved:
            raise ValidationError(
                f"These minutes were already approved at the meeting of {self.minutes_approved_at}."
            )
        if at.committee != self.committee or at.held_at <= self.held_at:
            raise ValidationError(
                "Minutes are approved at a later meeting of the same body: choose that meeting."
            )
        if at.held_at > timezone.now():
            raise ValidationError(
                f"The meeting of {at} has not happened yet: record the approval after it."
            )
        if not (self.public_minutes.exists() or self.confidential_minutes.exists()):
            raise ValidationError("There are no minutes to approve yet: add the items first.")
        self.minutes_approved_at = at
        self.minutes_approval_recorded_at = timezone.now()
        self.minutes_approval_recorded_by = by
        self.save(
            update_fields=[
                "minutes_approved_at",
                "minutes_approval_recorded_at",
                "minutes_approval_recorded_by",
                "updated_at",
            ]
        )

    def publish_minutes(self, by) -> None:
        """Publish the approved public minutes: from now on anyone can read them on the public
        page and in the PDF. The confidential minutes are never published."""
        if self.minutes_published:
            raise ValidationError("These minutes are already published.")
        if not self.minutes_approved:
            raise ValidationError(
                "Minutes are published once they are approved at a later meeting: record the "
                "approval first."
            )
        self.minutes_published_at = timezone.now()
        self.minutes_published_by = by
        self.save(update_fields=["minutes_published_at", "minutes_published_by", "updated_at"])

    def add_public_item(self, heading: str, text: str):
        """A new item at the end of the public minutes, while they are a draft."""
        from .minutes import PublicMinuteItem, check_may_change

        check_may_change(self)
        item = PublicMinuteItem(
            meeting=self, number=self.next_item_number(), heading=heading, text=text
        )
        item.save()
        return item

    def add_confidential_item(self, heading: str, text: str):
        """A new item of the confidential minutes, while the minutes are a draft."""
        from .minutes import ConfidentialMinuteItem, check_may_change

        check_may_change(self)
        item = ConfidentialMinuteItem(
            meeting=self, number=self.next_item_number(), heading=heading, text=text
        )
        item.save()
        return item

    OWN_ATTENDANCE = (
        "You cannot record your own attendance: attending a meeting is what opens its "
        "confidential minutes, so someone else records it (the clerk, or the chair). Leave your "
        "own answer as it was."
    )

    @transaction.atomic
    def record_attendance(self, answers: dict, by) -> None:
        """Record who attended, sent apologies or was absent (``answers``: {person: status, or
        "" for not recorded}), while the minutes are a draft. Nobody records their own
        attendance: it decides who reads the confidential minutes (P17), so a chair or clerk
        marking themselves present at a meeting they missed would read them. Each change is
        in the change log with who made it (``register_confidential(Attendance)``)."""
        self.check_may_edit("the attendance")
        recorded = dict(self.attendances.values_list("person_id", "status"))
        for person, status in answers.items():
            if person.pk == by.pk and (status or "") != recorded.get(person.pk, ""):
                raise ValidationError(self.OWN_ATTENDANCE, code="own_attendance")
        for person, status in answers.items():
            existing = self.attendances.filter(person=person).first()
            if not status:
                if existing is not None:
                    existing.delete()
            elif existing is None:
                Attendance.objects.create(meeting=self, person=person, status=status)
            elif existing.status != status:
                existing.status = status
                existing.save()

    def present(self):
        return self.attendances.filter(status=Attendance.Status.ATTENDED).select_related("person")

    def apologies(self):
        return self.attendances.filter(status=Attendance.Status.APOLOGIES).select_related("person")


class AttendanceQuerySet(models.QuerySet):
    def record_by_person(self) -> dict:
        """{person id: {status: count, "recorded": count}}: each person's attendance across the
        meetings in this queryset, counted in one query (the statutory attendance record)."""
        record: dict = {}
        rows = self.values("person_id", "status").annotate(count=models.Count("pk"))
        for row in rows.order_by():
            counts = record.setdefault(row["person_id"], {"recorded": 0})
            counts[row["status"]] = row["count"]
            counts["recorded"] += row["count"]
        return record


class Attendance(models.Model):
    """Whether a governor, the clerk or the head teacher attended a meeting. Governors'
    attendance is published by schools, so this is not encrypted."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Apologies sent (accepted)"
        # Apologies the governing body did not accept count as an absence in the statutory
        # record (six months of them and a governor's term ends).
        APOLOGIES_NOT_ACCEPTED = "not_accepted", "Apologies sent (not accepted)"
        ABSENT = "absent", "Absent without apologies"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="governance_attendances"
    )
    status = models.CharField(max_length=12, choices=Status.choices)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_each")
        ]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()} ({self.meeting})"


class AgendaItem(ConfidentialModel):
    """One item of a meeting's agenda, in order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    number = models.PositiveSmallIntegerField()
    title = EncryptedCharField("item", blank=False)

    permissions_from = "meeting"

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Agenda item {self.number} of {self.meeting}"

    def retitle(self, title: str) -> None:
        self.meeting.check_may_edit("the agenda")
        self.title = title
        self.save()

    @transaction.atomic
    def remove(self) -> None:
        """Take the item off the agenda; the items after it move up."""
        self.meeting.check_may_edit("the agenda")
        number = self.number
        self.delete()
        for later in self.meeting.agenda.filter(number__gt=number).order_by("number"):
            later.number -= 1
            later.save(update_fields=["number", "updated_at"])

    def move(self, up: bool) -> bool:
        """Swap places with the item before (``up``) or after it; False at either end."""
        self.meeting.check_may_edit("the agenda")
        return swap_with_neighbour(self, self.meeting.agenda.all(), up)


class Paper(ConfidentialModel):
    """A paper for a meeting (a budget, a policy, a report), stored encrypted. A paper marked
    confidential is read only by those who may read the meeting's confidential minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = EncryptedCharField("title", blank=False)
    filename = EncryptedCharField("file name")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = EncryptedBinaryField("content")
    confidential = models.BooleanField(
        "confidential",
        default=False,
        help_text="Only the governors who attend, the clerk and the head teacher will read it.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    permissions_from = "meeting"

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        # Also the audit trail's label: never the title, which may name what it is about.
        kind = "Confidential paper" if self.confidential else "Paper"
        return f"{kind} for the meeting of {self.meeting}"

    def replace(self, title: str, filename: str, content_type: str, content: bytes, by) -> None:
        """A new version of the paper (a corrected budget, say) before the minutes are approved;
        the old content is not kept, and the change log says when and by whom."""
        self.meeting.check_may_edit("its papers")
        self.title, self.filename, self.content_type = title, filename, content_type
        self.content, self.size, self.uploaded_by = content, len(content), by
        self.save()

    def remove(self) -> None:
        self.meeting.check_may_edit("its papers")
        self.delete()


@transaction.atomic
def swap_with_neighbour(item, siblings, up: bool) -> bool:
    """Swap ``item``'s number with the nearest of ``siblings`` before or after it: how an agenda
    or a part of the minutes is reordered. False if there is none (already first or last)."""
    if up:
        neighbour = siblings.filter(number__lt=item.number).order_by("-number").first()
    else:
        neighbour = siblings.filter(number__gt=item.number).order_by("number").first()
    if neighbour is None:
        return False
    item.number, neighbour.number = neighbour.number, item.number
    item.save(update_fields=["number", "updated_at"])
    neighbour.save(update_fields=["number", "updated_at"])
    return True


register_confidential(Meeting)
register_confidential(AgendaItem)
register_confidential(Paper)
# Attendance decides who reads the confidential minutes: every change of it is in the trail.
register_confidential(Attendance)
