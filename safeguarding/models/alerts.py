"""Telling people: in-app alerts and the emails that go with them (P3, P8).

An alert names who raised something and when, never what it is about: the content stays behind
the access policy. Its stored message never names a child either (a copy of the database must
not join a child to a concern, H3): the alerts page names the child at the moment it is read,
and only to a reader who may open the concern (``name_children``). Each email is a
``Notification`` with a delivery status, so a failed email is retried and, if it keeps failing,
shown to the DSL rather than lost.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .concerns import Concern


class AlertQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    """Something a person must look at, shown in the app until they mark it read."""

    class Kind(models.TextChoices):
        NEW_CONCERN = "new_concern", "New concern"
        URGENT_CONCERN = "urgent_concern", "New urgent concern"
        ESCALATED = "escalated", "Urgent concern not yet acknowledged"
        OVERDUE_ACTION = "overdue_action", "Action overdue"
        OVERDUE_REFERRAL = "overdue_referral", "Referral past its statutory time"
        DELIVERY_FAILED = "delivery_failed", "An email could not be delivered"
        ADVICE_REQUESTED = "advice_requested", "Request for advice"
        ADVICE_ANSWERED = "advice_answered", "Your request for advice was answered"
        ADULT_CONCERN = "adult_concern", "Concern about an adult"
        TRAINING_DUE = "training_due", "Training or policy reading due"
        BREAK_GLASS = "break_glass", "Emergency (break-glass) access used"
        TASK_SET = "task_set", "A safeguarding task for you"
        TASK_OVERDUE = "task_overdue", "Your safeguarding task is overdue"
        TASK_DONE = "task_done", "Task done"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safeguarding_alerts"
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Who and when only (e.g. "raised by Tom Bennett at 10:32"): never the concern's content.
    message = models.CharField(max_length=300)
    # Where to go to act on it (an advice request, a training page); opened through the door.
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["read_at", "-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"

    def mark_read(self, now=None):
        if self.read_at is None:
            self.read_at = now or timezone.now()
            self.save(update_fields=["read_at"])

    @staticmethod
    def name_children(alerts, who) -> bool:
        """Give each alert about a concern the reader may open as the safeguarding team its
        ``children`` (the children the concern names, the subject first), so the alerts page says
        which child each is about. Alerts about anything else, or read by anyone else, name no
        child (``children`` is empty). Returns False when the reader would see the names but has
        not confirmed their second factor: the page then says so instead of naming anyone.
        ``who``: the request (or the reader)."""
        from confidentiality import access
        from safeguarding.policy import CASEWORK

        from .concerns import load_children

        for alert in alerts:
            alert.children = []
        user = getattr(who, "user", who)
        ids = {alert.concern_id for alert in alerts if alert.concern_id}
        if not ids or not user.is_safeguarding_team:
            return True
        try:
            mine = access.visible(
                who, Concern.objects.about_children().filter(pk__in=ids), CASEWORK
            )
        except access.SecondFactorRequired:
            return False
        concerns = {concern.pk: concern for concern in mine}
        load_children(list(concerns.values()))
        for alert in alerts:
            concern = concerns.get(alert.concern_id)
            if concern is not None:
                alert.children = concern.named_children
        return True


class NotificationQuerySet(models.QuerySet):
    def due_for_retry(self, now=None):
        # A failed email the team was told of is still tried now and then (``LATE_RETRY``).
        return self.filter(
            status__in=[Notification.Status.RETRYING, Notification.Status.FAILED],
            next_attempt_at__lte=now or timezone.now(),
        )

    def failed(self):
        return self.filter(status=Notification.Status.FAILED)

    def visible_to(self, user):
        """The emails whose delivery this person may follow: who was emailed about a concern
        says that the concern exists, so only those who may open the concern see them (a
        concern about an adult: the people it was routed to, never the adult named)."""
        from confidentiality import access
        from safeguarding.policy import ADULT_CASEWORK, CASEWORK

        children = access.visible(user, Concern.objects.about_children(), CASEWORK)
        adults = access.visible(
            user, Concern.objects.about_adults().not_about(user), ADULT_CASEWORK
        )
        return self.filter(
            models.Q(concern__isnull=True)
            | models.Q(concern__in=children.values("pk"))
            | models.Q(concern__in=adults.values("pk"))
        )


class Notification(models.Model):
    """One email to one person, and whether it has reached them.

    Delivery happens in the task worker. A failure is kept with its error and retried with a
    growing wait (1, 5, then 25 minutes); after the last attempt it is marked failed and the
    safeguarding team sees it on their dashboard (P3: never dropped).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"

    # What each email is, in words for the dashboard and the "could not be delivered" alert.
    ABOUT = {
        "concern_raised": "a new concern",
        "concern_escalated": "an unacknowledged urgent concern",
        "adult_concern_escalated": "an unacknowledged concern about an adult",
        "advice_requested": "a request for advice",
        "break_glass": "emergency access to a record",
        "training_due": "training due",
        "task_set": "a safeguarding task set for them",
    }
    MAX_ATTEMPTS = 4
    BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25))
    # Once the team has been told, an email is still tried every half hour for a day: a mail
    # server down for an afternoon delays an alert, it never loses it.
    LATE_RETRY = timedelta(minutes=30)
    KEEP_TRYING_FOR = timedelta(days=1)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safeguarding_emails"
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    template = models.CharField(max_length=50)
    # Only who and when (names, times): never the concern's content.
    context = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.template} to {self.recipient} ({self.get_status_display()})"

    @property
    def about(self) -> str:
        return self.ABOUT.get(self.template, self.template.replace("_", " "))

    def record_failure(self, error: Exception, now=None):
        """Keep the error; schedule the next attempt, or give up and say so."""
        now = now or timezone.now()
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:300]
        if self.attempts >= self.MAX_ATTEMPTS:
            self.status = self.Status.FAILED
            keep_trying = now - self.created_at < self.KEEP_TRYING_FOR
            self.next_attempt_at = now + self.LATE_RETRY if keep_trying else None
        else:
            self.status = self.Status.RETRYING
            self.next_attempt_at = now + self.BACKOFF[min(self.attempts, len(self.BACKOFF)) - 1]
        self.save()

    def record_sent(self, now=None):
        self.attempts += 1
        self.status = self.Status.SENT
        self.sent_at = now or timezone.now()
        self.next_attempt_at = None
        self.last_error = ""
        self.save()
