"""The demo school reads true: every narrative about a child uses the pronouns of the gender on
the child's record, and every back-dated item's alerts, emails and steps are stamped when they
happened, not when the demo was seeded (an old concern's alert stamped today, a case
acknowledged after it was closed)."""

import re
from datetime import timedelta

import pytest

from records.demo import FIRST, GIRLS, gender_of
from safeguarding import routing, school_time
from safeguarding.models import Action, AdviceRequest, Alert, Concern, Notification

HE = re.compile(r"\b(he|him|his|himself)\b", re.IGNORECASE)
SHE = re.compile(r"\b(she|her|hers|herself)\b", re.IGNORECASE)
WRONG_WORDS = {"Female": HE, "Male": SHE}
# How long after the last thing that happened to a concern an alert about it may come: at once,
# except the climb of an urgent concern nobody acknowledged (after its school minutes).
AT_ONCE = timedelta(minutes=1)

pytestmark = pytest.mark.usefixtures("demo_school")


def _subject(concern):
    return next(named.student for named in concern.named_children if named.part == "subject")


def _narratives(concern) -> list[str]:
    """What the people who wrote about the concern said about its child."""
    texts = [concern.account, concern.actions_taken, concern.private_follow_up]
    texts += [action.brief for action in concern.actions.all()]
    texts += [request.question for request in AdviceRequest.objects.filter(concern=concern)]
    return [text for text in texts if text]


def test_every_childs_recorded_gender_follows_their_name():
    concerns = Concern.objects.about_children()
    children = {_subject(concern) for concern in concerns}
    assert children
    for child in children:
        assert gender_of(child) == ("Female" if child.first_name in GIRLS else "Male"), child


def test_every_narrative_uses_the_pronouns_of_the_childs_recorded_gender():
    checked = 0
    for concern in Concern.objects.about_children():
        child = _subject(concern)
        gender = gender_of(child)
        assert gender in WRONG_WORDS, f"{concern.reference}: no gender on {child}'s record"
        for text in _narratives(concern):
            wrong = WRONG_WORDS[gender].findall(text)
            assert not wrong, f"{concern.reference} ({gender}) says {wrong}: {text!r}"
            checked += bool(HE.search(text) or SHE.search(text))
    # The demo does talk about its children this way (a check of nothing would pass too).
    assert checked >= 6


def test_a_child_named_in_a_request_for_advice_is_the_child_it_is_about():
    requests = [request for request in AdviceRequest.objects.all() if request.student]
    assert requests
    for request in requests:
        named = {name for name in FIRST if re.search(rf"\b{name}\b", request.question)}
        assert named <= {request.student.first_name}, request.question


def _events(concern) -> list:
    moments = [concern.created_at, concern.acknowledged_at, concern.escalated_at]
    moments.append(concern.closed_at)
    for action in concern.actions.all():
        moments += [action.created_at, action.done_at]
    moments += [referral.created_at for referral in concern.referrals.all()]
    moments += [note.created_at for note in concern.notes.all()]
    moments += [share.created_at for share in concern.shares.all()]
    return [moment for moment in moments if moment is not None]


def _delay(alert) -> timedelta:
    if alert.kind == Alert.Kind.ESCALATED:
        return timedelta(minutes=school_time.escalation_minutes()) + AT_ONCE
    return AT_ONCE


def test_no_alert_or_email_is_later_than_what_it_tells_of():
    alerts = Alert.objects.filter(concern__isnull=False).select_related("concern")
    assert alerts.exists()
    for alert in alerts:
        concern = alert.concern
        assert alert.created_at >= concern.created_at - AT_ONCE, alert.message
        latest = max(_events(concern))
        assert alert.created_at <= latest + _delay(alert), (
            f"{alert.message!r} stamped {alert.created_at:%d %b %H:%M}, but the last thing that "
            f"happened to {concern.reference} was at {latest:%d %b %H:%M}"
        )
    for notification in Notification.objects.filter(concern__isnull=False):
        concern = notification.concern
        assert concern.created_at - AT_ONCE <= notification.created_at
        assert notification.created_at <= max(_events(concern)) + AT_ONCE


def test_an_alert_of_a_new_concern_says_when_it_was_raised():
    raised = Alert.objects.filter(
        kind__in=[Alert.Kind.NEW_CONCERN, Alert.Kind.URGENT_CONCERN]
    ).select_related("concern")
    assert raised.exists()
    for alert in raised:
        assert routing._when(alert.concern.created_at) in alert.message, alert.message
    for notification in Notification.objects.filter(template="concern_raised"):
        assert notification.context["raised_at"] == routing._when(notification.concern.created_at)


def test_each_case_happens_in_order():
    old = Concern.objects.filter(created_at__lt=Concern.objects.latest("created_at").created_at)
    assert old.exists()
    for concern in Concern.objects.all():
        if concern.acknowledged_at:
            assert concern.acknowledged_at >= concern.created_at, concern.reference
        if concern.closed_at:
            assert concern.acknowledged_at <= concern.closed_at, concern.reference
    for action in Action.objects.select_related("concern"):
        assert action.created_at >= action.concern.created_at, action
        # Nobody is set a task that was already overdue when it was set.
        assert action.created_at.date() <= action.due_on, action
        if action.done_at:
            assert action.done_at >= action.created_at - AT_ONCE, action
