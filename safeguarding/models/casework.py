"""The safeguarding team's work on a concern: notes, actions and referrals (P3).

None of this is shown to the member of staff who raised the concern: they see its status only.
An action set for someone outside the team is their *task*: they see only what the DSL chose to
tell them (``Action.brief``), its due date and, if the DSL said so, which child it is about
(``Action.children_for_assignee``); never the concern, its category or the other actions.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel
from safeguarding import school_time

from .concerns import Concern
from .sharing import check_told_first


class CaseNote(ConfidentialModel):
    """A DSL's note on a concern: a phone call, a conversation, a thought. Encrypted."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField("note", blank=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Case note on concern {self.concern.reference}"

    audit_subject_blind = True

    def audit_subject(self):
        return self.concern.audit_subject()


class ActionQuerySet(models.QuerySet):
    def outstanding(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today=None):
        return self.outstanding().filter(due_on__lt=today or timezone.localdate())

    def done(self):
        return self.filter(done_at__isnull=False)

    def most_urgent_first(self):
        """Overdue first (the longest overdue at the top), then by due date."""
        return self.order_by("due_on", "created_at")


class Action(ConfidentialModel):
    """Something someone must do for a concern, by a date: "speak to mum at pick-up".

    ``description`` is the team's record of what needs doing and may carry what the concern says;
    the person it is set for (``owner``), if they are not on the team, never sees it. They see
    ``brief`` ("what to tell them"), the due date, who set it, and the child's name only if the
    DSL ticked ``tell_which_child`` (see ``children_for_assignee``). When done they add a short
    note (``done_note``), which reaches the DSL (an alert) and the child's chronology.
    """

    # How long the two things the DSL and the person exchange may be: short by design.
    BRIEF_MAX = 1_000
    DONE_NOTE_MAX = 1_000

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField("what needs doing", blank=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safeguarding_actions"
    )
    due_on = models.DateField("due by")
    # What the DSL chose to tell the person it is set for: all they read of the concern.
    brief = EncryptedTextField("what to tell them")
    # The DSL's choice to name the child (the subject of the concern) on the person's task page.
    tell_which_child = models.BooleanField("tell them which child", default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_note = EncryptedTextField("what was done")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on"]
        permissions = [
            ("carry_out_action", "See a safeguarding task set for them and record it done"),
        ]
        indexes = [
            # What is still to do, by its date: the team page's overdue actions read these few,
            # not every action of the school's years (40 ms at 150,000).
            models.Index(
                fields=["due_on"],
                name="action_outstanding_by_due",
                condition=models.Q(done_at__isnull=True),
            ),
        ]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Action on concern {self.concern.reference}"

    audit_subject_blind = True

    def audit_subject(self):
        return self.concern.audit_subject()

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def raised_by_assignee(self) -> bool:
        """The person it is set for raised the concern: their "My concern" page is theirs."""
        return self.owner_id == self.concern.raised_by_id

    def children_for_assignee(self) -> list:
        """The children the person it is set for may read on their task page.

        The rule (P3, need to know): a concern's children are named to someone outside the team
        only when the DSL decided they must know (``tell_which_child``), and then only the child
        the concern is about (its subject), never a sibling, a witness or an alleged harmer. It
        is never inferred from the person's classes: a concern can name several children, and
        whether naming the child helps the task is the DSL's judgement. The person who raised
        the concern already knows whom they named: they see those children, as on their "My
        concern" page (never one the team linked later). A concern about an adult names no child.
        """
        concern = self.concern
        if concern.is_about_adult:
            return []
        if self.raised_by_assignee:
            return [named.student for named in concern.children_named_by_author]
        if not self.tell_which_child:
            return []
        return [named.student for named in concern.named_children if named.part == "subject"]

    def complete(self, by, now=None, note=""):
        """Mark the action done, once, with an optional short note. Returns whether this call
        recorded it (False if it was already done: a second submit changes nothing)."""
        note = (note or "").strip()
        if len(note) > self.DONE_NOTE_MAX:
            raise ValidationError(
                {"note": f"Keep the note to {self.DONE_NOTE_MAX:,} characters or fewer."}
            )
        with transaction.atomic():
            # Two submits at once: the second waits here, then finds it done.
            current = type(self).objects.select_for_update().filter(pk=self.pk).first()
            if current is None or current.done_at is not None:
                if current is not None:
                    self.done_at, self.done_by_id = current.done_at, current.done_by_id
                return False
            self.done_at = now or timezone.now()
            self.done_by = by
            self.done_note = note
            self.save()
        return True


class ReferralQuerySet(models.QuerySet):
    def overdue(self, now=None):
        """Referrals past a statutory clock: not made in time, or a phone referral whose written
        follow-up is late."""
        now = now or timezone.now()
        return self.filter(
            Q(made_at__isnull=True, due_by__lt=now)
            | Q(
                method=Referral.Method.PHONE,
                made_at__isnull=False,
                written_follow_up_at__isnull=True,
                follow_up_due_by__lt=now,
            )
        )


class Referral(ConfidentialModel):
    """A referral to an outside agency, with its statutory clock (P3).

    The LADO must be told within one working day of the concern; a referral made by phone must
    be followed up in writing within 24 hours. A referral may be recorded as decided before it
    is made, so the clock shows on the dashboard until it is.

    A referral about a child is an information share (P2): the student and the parents are told
    first, or the DSL records why telling them would put the child at risk
    (``check_told_first``, the rule every share follows). Once made, it is recorded as an
    ``InformationShare`` for each child it is about (``information_sharing.share_referral``), so
    the parents who were told get the same content-free portal notice and a support action
    follows. ``student_told``/``parents_told`` are empty on a referral recorded before this was
    asked, and on one the rule does not apply to (``family_told_first_applies``).
    """

    class Agency(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
        POLICE = "police", "Police"
        EARLY_HELP = "early_help", "Early help"
        LADO = "lado", "Local authority designated officer (LADO)"

    class Method(models.TextChoices):
        PHONE = "phone", "By phone"
        WRITTEN = "written", "In writing / online form"

    WRITTEN_FOLLOW_UP_HOURS = 24  # then the end of the next school day if school is closed

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PHONE)
    made_at = models.DateTimeField("made at", null=True, blank=True)
    due_by = models.DateTimeField(null=True, blank=True)
    follow_up_due_by = models.DateTimeField(null=True, blank=True)
    written_follow_up_at = models.DateTimeField(null=True, blank=True)
    contact = EncryptedCharField("who you spoke to")
    agency_reference = EncryptedCharField("their reference")
    details = EncryptedTextField("what was said and agreed")
    outcome = EncryptedTextField("outcome")
    outcome_at = models.DateTimeField(null=True, blank=True)
    # P2: told first, or why not. Empty (None): not recorded (before this was asked), or a
    # referral the rule does not apply to.
    student_told = models.BooleanField("the student was told first", null=True, blank=True)
    parents_told = models.BooleanField("the parents were told first", null=True, blank=True)
    reason_not_told = EncryptedTextField("why telling them would put the child at risk")
    # Empty until someone makes it: an allegation's LADO referral is recorded when the concern
    # is raised, before anyone has phoned the LADO.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        # ``overdue`` (every dashboard of the team asks it) reads only referrals still running
        # a clock, one index for each clock, instead of every referral of the school's years
        # (6-8 ms at 30,000).
        indexes = [
            models.Index(
                fields=["due_by"],
                name="referral_not_made_by_due",
                condition=models.Q(made_at__isnull=True),
            ),
            models.Index(
                fields=["follow_up_due_by"],
                name="referral_follow_up_by_due",
                condition=models.Q(
                    method="phone", made_at__isnull=False, written_follow_up_at__isnull=True
                ),
            ),
        ]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Referral on concern {self.concern.reference}"

    def audit_subject(self):
        return self.concern.audit_subject()

    audit_subject_blind = True

    @staticmethod
    def told_first_applies(concern, agency) -> bool:
        """Whether the family is told before this referral (P2).

        Not for a concern about an adult, nor for a referral to the LADO: that referral is about
        a member of staff or a volunteer, and the statutory guidance (KCSIE Part 4) is that the
        school does not tell the parents, or the adult, before the LADO (and the police or
        children's social care, if involved) have been consulted and agreed what may be said;
        telling them first could warn the adult, lose evidence or put the child at risk. The
        parents are told afterwards, as the LADO agrees, with an ordinary information share.
        """
        return not concern.is_about_adult and agency != Referral.Agency.LADO

    @property
    def family_told_first_applies(self) -> bool:
        return self.told_first_applies(self.concern, self.agency)

    @property
    def told_recorded(self) -> bool:
        """Whether the student's and parents' telling was asked (not a referral from before)."""
        return self.student_told is not None and self.parents_told is not None

    def clean(self):
        # P2: the same rule as every other share, for a referral about a child.
        if self.family_told_first_applies:
            check_told_first(self.student_told, self.parents_told, self.reason_not_told)

    def save(self, *args, **kwargs):
        self.start_clocks()
        super().save(*args, **kwargs)

    def start_clocks(self):
        """Set the statutory deadlines from the concern and the way the referral was made."""
        if self.agency == self.Agency.LADO and self.due_by is None:
            self.due_by = school_time.add_working_days(self.concern.created_at, 1)
        if self.method == self.Method.PHONE and self.made_at:
            self.follow_up_due_by = school_time.hours_later_on_a_school_day(
                self.made_at, self.WRITTEN_FOLLOW_UP_HOURS
            )
        else:
            self.follow_up_due_by = None

    def record_progress(
        self, made_at=None, written_follow_up_at=None, outcome="", now=None, by=None
    ):
        """Record that the referral was made, followed up in writing, or what came of it. A
        referral nobody had made yet (an allegation's LADO referral) is made by ``by``."""
        if made_at:
            self.made_at = made_at
            if self.made_by_id is None and by is not None:
                self.made_by = by
        if written_follow_up_at:
            self.written_follow_up_at = written_follow_up_at
        if outcome and outcome.strip():
            self.outcome = outcome.strip()
            self.outcome_at = now or timezone.now()
        self.save()

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if self.made_at is None:
            return self.due_by is not None and self.due_by < now
        return bool(
            self.follow_up_due_by and not self.written_follow_up_at and self.follow_up_due_by < now
        )

    @property
    def clock(self) -> str:
        """What the statutory clock says, in words for the DSL."""
        if self.made_at is None:
            return (
                f"to be made by {timezone.localtime(self.due_by):%a %d %b %H:%M}"
                if (self.due_by)
                else "not yet made"
            )
        if self.follow_up_due_by and not self.written_follow_up_at:
            due = timezone.localtime(self.follow_up_due_by)
            return f"written follow-up due by {due:%a %d %b %H:%M}"
        return "made"


register_confidential(CaseNote)
register_confidential(Action)
register_confidential(Referral)
