"""Routing: every concern reaches the safeguarding team at once, and urgent ones climb until
someone acknowledges them (P3, P8). A concern about an adult goes only to its handlers (see
``models/adults.py``) and climbs its own ladder when it is urgent, an allegation, or held by
nobody; whoever takes office later is told of one still waiting.

In-app alerts are written in the same transaction as the concern, so they cannot be lost; emails
are queued as ``Notification`` rows and sent by the task worker after the commit, retried on
failure and shown to the DSL if they keep failing. The periodic check (``run_checks``; the
``escalate_concerns`` command) escalates, raises overdue alerts and retries failed emails. Every
function takes ``now`` so the clock can be moved in tests.

An action set for someone reaches them the same way (``tell_assignee``): an alert at once and an
email that says only who set it and when it is due; when they record it done, the people who
handle the concern are told (``tell_task_done``).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from confidentiality import pipeline_health, roles
from confidentiality.notifications import break_glass_facts, send_templated
from confidentiality.roles import Role
from confidentiality.signals import break_glass_used

from . import school_time
from .dates import short_day
from .models import Action, Alert, Concern, Notification, Referral

log = logging.getLogger(__name__)


def team_members() -> list:
    """The DSL first, then the deputies: who receives every concern (P8). Read in one query
    (the same answer as the card on every staff page), whatever the size of the team: should
    the school's roles ever name more than one DSL, each of them is told."""
    people = get_user_model().objects
    team = list(
        people.with_roles(*roles.SAFEGUARDING_TEAM).annotate(
            is_dsl=Exists(people.with_roles(Role.DSL).filter(pk=OuterRef("pk")))
        )
    )
    # Each once, by name within each role (``with_roles``): the DSL before the deputies.
    return sorted(team, key=lambda person: not person.is_dsl)


def people_to_tell(concern) -> list:
    """Who hears about a concern's progress: the team, or, for a concern about an adult, only
    the people it was routed to (never the deputies or the person named)."""
    if concern is not None and concern.is_about_adult:
        from .models.adults import handlers_of

        return handlers_of(concern)
    return team_members()


def head_teachers() -> list:
    return list(roles.holders(Role.HEAD_TEACHER))


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {short_day(local.date())}"


def _who_and_when(concern) -> dict:
    # Names and times only: emails and alerts never carry what the concern says (P3).
    return {
        "raised_by": str(concern.raised_by),
        "raised_at": _when(concern.created_at),
        "reference": concern.reference,
        "urgent": concern.is_urgent,
    }


def _site_link(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _sign_in_link() -> str:
    return _site_link(reverse("safeguarding:alerts"))


def alert(recipients, kind, message, concern=None, email_template=None, context=None, url=""):
    """An in-app alert for each person, and (optionally) an email queued for delivery.

    Written in one statement per kind, whatever the size of the team: logging a concern costs
    the same for a school with one DSL as for one with a dozen deputies."""
    recipients = list(recipients)
    Alert.objects.bulk_create(
        Alert(recipient=person, concern=concern, kind=kind, message=message, url=url)
        for person in recipients
    )
    if email_template and recipients:
        emails = Notification.objects.bulk_create(
            Notification(
                recipient=person,
                concern=concern,
                template=email_template,
                context={"link": _sign_in_link(), **(context or {})},
            )
            for person in recipients
        )
        # Each email its own task, queued once the concern and its alerts are committed.
        transaction.on_commit(lambda: _enqueue(*emails))


def queue_email(recipient, template: str, context: dict, concern=None) -> Notification:
    """Queue one email; the worker sends it after this transaction commits."""
    notification = Notification.objects.create(
        recipient=recipient,
        concern=concern,
        template=template,
        context={"link": _sign_in_link(), **context},
    )
    transaction.on_commit(lambda: _enqueue(notification))
    return notification


def _enqueue(*notifications) -> None:
    """One delivery task for each email: a worker that dies sending one holds up no other."""
    from .tasks import deliver_notification

    for notification in notifications:
        deliver_notification.enqueue(notification.pk)


def route_new_concern(concern) -> None:
    """P3: a new concern goes at once to the DSL and every deputy. With no team appointed it
    goes to the head teacher, so it always reaches someone."""
    facts = _who_and_when(concern)
    kind = Alert.Kind.URGENT_CONCERN if concern.is_urgent else Alert.Kind.NEW_CONCERN
    label = "Urgent concern" if concern.is_urgent else "Concern"
    message = f"{label} {concern.reference} raised by {facts['raised_by']} at {facts['raised_at']}."
    recipients = team_members() or head_teachers()
    alert(recipients, kind, message, concern, "concern_raised", facts)


@receiver(break_glass_used, dispatch_uid="safeguarding-break-glass")
def tell_team_of_break_glass(sender, grant, **kwargs) -> None:
    """P10: the DSL and deputies are told at once that someone took emergency access: an alert
    in the app (linking to that person's entries in the audit trail, where the reason is) and
    an email queued with retries like every safeguarding email. Who and when only: never which
    child or why."""
    facts = break_glass_facts(grant)
    message = (
        f"{facts['who']} used emergency access to a student's record at {facts['when']} "
        f"(until {facts['until']}). Their reason is in the audit trail."
    )
    trail = reverse("audit:trail") + f"?person={grant.user_id}"
    with transaction.atomic():  # a savepoint: a failure here never undoes the access itself
        alert(
            team_members() or head_teachers(),
            Alert.Kind.BREAK_GLASS,
            message,
            email_template="break_glass",
            context=facts,
            url=trail,
        )


# --- tasks for staff ---------------------------------------------------------------------------


def _task_facts(action) -> dict:
    # Who set it and when it is due: never what it is, the child, or the concern's content. The
    # reference is for the team's "could not be delivered" alert; the email does not show it.
    return {
        "set_by": str(action.created_by),
        "due": short_day(action.due_on),
        "reference": action.concern.reference,
    }


def task_url(action) -> str:
    return reverse("safeguarding:task", kwargs={"pk": action.pk})


def tell_assignee(action) -> None:
    """A task reaches the person it is set for at once: an alert in the app linking to their
    task page, and an email (retried like every safeguarding email) saying who set it and when
    it is due, nothing more. Nobody is told of a task they set themselves."""
    if action.owner_id == action.created_by_id:
        return
    facts = _task_facts(action)
    alert(
        [action.owner],
        Alert.Kind.TASK_SET,
        f"{facts['set_by']} set you a safeguarding task, due {facts['due']}.",
        action.concern,
        "task_set",
        {**facts, "link": _site_link(task_url(action))},
        url=task_url(action),
    )


def _handlers(concern) -> list:
    """Who may open the concern as casework: the team (a concern about a child) or the people
    a concern about an adult was routed to."""
    if concern.is_about_adult:
        return people_to_tell(concern)
    return list(get_user_model().objects.with_roles(*roles.SAFEGUARDING_TEAM))


def tell_task_done(action) -> None:
    """A task recorded done reaches the DSL, whoever set it and whoever the concern is assigned
    to (each only if they may open the concern; never the person who did it): an alert linking
    to the concern, where the note is. With none of them able to, the whole team (or the
    concern's handlers) is told, so it always reaches someone."""
    concern = action.concern
    allowed = {person.pk: person for person in _handlers(concern)}
    wanted = [roles.current_dsl(), action.created_by, concern.assigned_to]
    recipients = {p.pk: p for p in wanted if p is not None and p.pk in allowed}
    if not recipients:
        recipients = allowed
    recipients.pop(action.done_by_id, None)
    when = _when(action.done_at)
    alert(
        recipients.values(),
        Alert.Kind.TASK_DONE,
        f"{action.done_by} recorded the task set for {action.owner} on concern "
        f"{concern.reference} (due {short_day(action.due_on)}) as done at {when}.",
        concern,
        url=reverse("safeguarding:concern", kwargs={"pk": concern.pk}) + "#actions",
    )


# --- delivery ---------------------------------------------------------------------------------


def deliver(notification: Notification, now=None) -> bool:
    """Send one queued email. A failure is recorded and retried later, never dropped."""
    if notification.status == Notification.Status.SENT:
        return True
    now = now or timezone.now()
    try:
        if not notification.recipient.email:
            raise ValueError(f"{notification.recipient} has no email address")
        send_templated(
            notification.template,
            [notification.recipient.email],
            notification.context,
            headers={"Message-ID": message_id(notification)},
        )
    except Exception as error:  # any failure of the mail system: keep it and retry
        log.warning("Safeguarding email %s failed: %s", notification.pk, type(error).__name__)
        notification.record_failure(error, now=now)
        # The team is told once, when the quick retries are spent; later tries go on quietly.
        if notification.attempts == Notification.MAX_ATTEMPTS:
            _tell_team_delivery_failed(notification)
        return False
    notification.record_sent(now=now)
    return True


def message_id(notification) -> str:
    """The same for every attempt at one email: delivery is at least once (a worker killed
    after the mail server took the message, before it was recorded as sent, sends it again),
    and a mail system that sees the same Message-ID twice may keep one copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "school.invalid"
    return f"<safeguarding-email-{notification.pk}@{domain}>"


def _tell_team_delivery_failed(notification) -> None:
    reference = notification.context.get("reference")
    which = f" ({reference})" if reference else ""
    message = (
        f"An email to {notification.recipient} about {notification.about}{which} could not be "
        f"delivered after {notification.attempts} attempts. Please tell them in person."
    )
    for person in people_to_tell(notification.concern):
        Alert.objects.create(
            recipient=person,
            concern=notification.concern,
            kind=Alert.Kind.DELIVERY_FAILED,
            message=message,
        )


@pipeline_health.failing_email_reader
def oldest_failing_email(now):
    """For /healthz and the dashboard: how long the oldest email that was tried, failed and
    will be tried again has been undelivered. One to someone with no address is left out: a
    gap in the school's records (shown to the team), not a broken mail server."""
    failing = (
        Notification.objects.exclude(status=Notification.Status.SENT)
        .filter(attempts__gt=0)
        .filter(Q(status=Notification.Status.QUEUED) | Q(next_attempt_at__isnull=False))
        .exclude(recipient__email="")
    )
    first = failing.order_by("created_at").values_list("created_at", flat=True).first()
    return None if first is None else now - first


def retry_due(now=None) -> int:
    """Queue again every email whose wait after a failure is over."""
    due = list(Notification.objects.due_for_retry(now))
    for notification in due:
        notification.status = Notification.Status.QUEUED
        notification.save(update_fields=["status"])
    transaction.on_commit(lambda: _enqueue(*due))
    return len(due)


# --- escalation and overdue items --------------------------------------------------------------


def escalation_due_at(concern):
    """When an unacknowledged urgent concern climbs to its next level (school minutes)."""
    since = concern.escalated_at or concern.created_at
    return school_time.add_school_minutes(since, school_time.escalation_minutes())


def escalate(concern, now) -> None:
    """Climb one step: from the whole team to the deputies, then to the head teacher (P3)."""
    facts = _who_and_when(concern)
    deputies = list(roles.deputies())
    if concern.escalation_level == 0 and deputies:
        concern.escalation_level, recipients = 1, deputies
    else:
        concern.escalation_level, recipients = 2, head_teachers()
    concern.escalated_at = now
    concern.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    message = (
        f"Urgent concern {concern.reference} raised by {facts['raised_by']} at "
        f"{facts['raised_at']} has not been acknowledged by the safeguarding team."
    )
    alert(recipients, Alert.Kind.ESCALATED, message, concern, "concern_escalated", facts)


def escalate_adult_concern(concern, now) -> None:
    """Climb one step up the concern's own ladder (the DSL, the head teacher, the chair of
    governors; the deputies only when the DSL is named; never the person named): whoever joins
    receives it, and everyone who holds it is told it is still waiting."""
    from .models.adults import handlers_of
    from .policy import ADULT_CASEWORK

    concern.escalation_level += 1
    concern.escalated_at = now
    concern.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    handlers = handlers_of(concern)
    for person in handlers:
        assign_perm(ADULT_CASEWORK, person, concern)
    facts = _who_and_when(concern)
    message = (
        f"Concern about an adult {concern.reference} raised by {facts['raised_by']} at "
        f"{facts['raised_at']} has not been acknowledged by the people who handle it."
    )
    url = reverse("safeguarding:concern", kwargs={"pk": concern.pk})
    alert(handlers, Alert.Kind.ESCALATED, message, concern, "adult_concern_escalated", facts, url)


def _adult_concern_climbs(concern) -> bool:
    """Urgent ones and allegations climb when unacknowledged, and so does one nobody holds."""
    from .adults import holders

    adult = getattr(concern, "adult", None)
    return concern.is_urgent or (adult is not None and adult.is_allegation) or not holders(concern)


def escalate_overdue(now=None) -> int:
    """Escalate each urgent concern (and each waiting allegation about an adult, or concern
    about an adult nobody holds) that nobody has acknowledged in time."""
    now = now or timezone.now()
    count = 0
    queue = Concern.objects.about_children().urgent_unacknowledged()
    for concern in queue.filter(escalation_level__lt=2):
        if escalation_due_at(concern) <= now:
            escalate(concern, now)
            count += 1
    # Concerns about adults climb their own ladder: never to the deputies (unless the DSL is
    # named), who must not see them, and never to the person named.
    adults = Concern.objects.about_adults().awaiting_dsl().filter(escalation_level__lt=2)
    for concern in adults.select_related("adult"):
        if escalation_due_at(concern) <= now and _adult_concern_climbs(concern):
            escalate_adult_concern(concern, now)
            count += 1
    return count


def tell_new_handlers(now=None) -> int:
    """A concern about an adult that nobody has acknowledged reaches whoever handles it now
    (a new DSL, head teacher or chair of governors), even one that reached nobody when it was
    raised: each holder who has had no alert about it gets one."""
    from .adults import holders

    count = 0
    for concern in Concern.objects.about_adults().awaiting_dsl():
        told = set(Alert.objects.filter(concern=concern).values_list("recipient_id", flat=True))
        new = [person for person in holders(concern) if person.pk not in told]
        if not new:
            continue
        facts = _who_and_when(concern)
        alert(
            new,
            Alert.Kind.ADULT_CONCERN,
            f"Concern {concern.reference} raised by {facts['raised_by']} at {facts['raised_at']}.",
            concern,
            "concern_raised",
            facts,
            url=reverse("safeguarding:concern", kwargs={"pk": concern.pk}),
        )
        count += len(new)
    return count


def alert_overdue(now=None) -> int:
    """Tell the team once about each action or referral that has passed its date, on a school
    day: one that falls due before a weekend, a closure, a bank holiday or a holiday between
    terms is told on the next school day, not while nobody is at school to act on it."""
    now = now or timezone.now()
    if not school_time.is_school_day_today(now):
        return 0
    team = team_members()
    count = 0
    actions = Action.objects.overdue(timezone.localdate(now)).filter(
        overdue_alerted_at__isnull=True, concern__status__in=["acknowledged", "in_progress", "new"]
    )
    for action in actions.select_related("concern__adult", "owner", "created_by"):
        if action.concern.is_about_adult:
            recipients = {p.pk: p for p in people_to_tell(action.concern)}
        else:
            recipients = {p.pk: p for p in [*team, action.owner] if p.is_safeguarding_team}
        alert(
            recipients.values(),
            Alert.Kind.OVERDUE_ACTION,
            f"An action on concern {action.concern.reference} for {action.owner} was due "
            f"on {short_day(action.due_on)}.",
            action.concern,
        )
        if action.owner_id not in recipients:
            # The person it is set for hears of it too, as of their task: nothing of the concern.
            alert(
                [action.owner],
                Alert.Kind.TASK_OVERDUE,
                f"The safeguarding task {action.created_by} set you was due on "
                f"{short_day(action.due_on)}. Please do it, or speak to them, today.",
                action.concern,
                url=task_url(action),
            )
        action.overdue_alerted_at = now
        action.save(update_fields=["overdue_alerted_at", "updated_at"])
        count += 1
    referrals = Referral.objects.overdue(now).filter(overdue_alerted_at__isnull=True)
    for referral in referrals.select_related("concern__adult"):
        alert(
            people_to_tell(referral.concern) if referral.concern.is_about_adult else team,
            Alert.Kind.OVERDUE_REFERRAL,
            f"The {referral.get_agency_display()} referral on concern "
            f"{referral.concern.reference} is past its statutory time ({referral.clock}).",
            referral.concern,
        )
        referral.overdue_alerted_at = now
        referral.save(update_fields=["overdue_alerted_at", "updated_at"])
        count += 1
    return count


def run_checks(now=None) -> dict:
    """The periodic safeguarding check: escalation, overdue alerts and email retries."""
    now = now or timezone.now()
    with transaction.atomic():
        return {
            "escalated": escalate_overdue(now),
            "handed_on": tell_new_handlers(now),
            "overdue": alert_overdue(now),
            "retried": retry_due(now),
        }
