"""P18: people are told when something in a performance file is theirs to do, by a short email
that says who and when and never what: no objective, note, outcome, lesson, rating or pay, and
to a reviewer or observer not even whose file. The queued task holds ids, never content."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from performance.models import Delegation, Observation
from performance.notifications import tell_of_ending_delegations
from tests.conftest import sign_in

# Reminders go out on school days only: these tests are about who is told, not when.
pytestmark = pytest.mark.usefixtures("any_day_is_a_school_day")

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
TODAY = timezone.localdate()
# What the files in these tests hold: none of it may ever be in an email.
CONTENT = [
    "Raise reading",  # the objective
    "80% at standard",  # its success criteria
    "Talked about reading",  # the notes of a meeting
    "Objectives agreed",  # its outcome
    "3 Oak",  # a lesson
    "Pupils wrote",  # notes typed in a test
    "Agreed in full",  # an outcome typed in a test
    "I disagree",  # the member of staff's comments
    "pay",
    "Pay",
    "Strength",
    "Secure",
    "Developing",
    "support",
]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE


def _the_one_email(mailoutbox, to):
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    message = mailoutbox[0]
    assert message.to == [to.email]
    return message


def _no_content(message, *also):
    text = "\n".join([message.subject, message.body, message.alternatives[0][0]])
    leaked = [word for word in [*CONTENT, *also] if word in text]
    assert not leaked, leaked
    return text


def _post(client, name, data, **kwargs):
    response = client.post(reverse(f"performance:{name}", kwargs=kwargs), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_the_observer_is_told_who_asked_and_the_date(
    client, head, observer, teacher, teacher_file, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    day = TODAY + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "arrange_observation",
            {"observer": observer.pk, "planned_for": day.isoformat(), "lesson": "3 Oak, reading"},
            pk=teacher_file.pk,
        )
    message = _the_one_email(mailoutbox, observer)
    text = _no_content(message, teacher.get_full_name())
    assert "Head Tester has asked you to observe a lesson on" in message.body
    assert f"{day.day} {day:%b}" in message.body
    assert "/performance/" in message.body and "Sign in" in text


def test_naming_oneself_as_observer_sends_nothing(
    client, head, teacher_file, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "arrange_observation",
            {"observer": head.pk, "planned_for": TODAY.isoformat()},
            pk=teacher_file.pk,
        )
    assert mailoutbox == []


def test_the_reviewer_is_told_a_file_is_delegated_and_until_when(
    client,
    head,
    line_manager,
    teacher,
    teacher_file,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "delegate", {"reviewer": line_manager.pk}, pk=teacher_file.pk)
    message = _the_one_email(mailoutbox, line_manager)
    _no_content(message, teacher.get_full_name(), "Teacher")
    ends = teacher_file.cycle.ends_on
    assert "has asked you to review a colleague" in message.body
    assert f"{ends:%-d %b %Y}" in message.body


def test_the_member_of_staff_is_told_a_review_awaits_their_sign_off(
    client, head, teacher, teacher_file, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "add_review",
            {
                "kind": "mid_year",
                "held_on": TODAY.isoformat(),
                "notes": "Pupils wrote well",
                "outcome": "Agreed in full",
            },
            pk=teacher_file.pk,
        )
    message = _the_one_email(mailoutbox, teacher)
    _no_content(message, "Mid-year", "mid-year")
    assert "sign it off" in message.body


def test_the_holder_is_told_when_the_member_of_staff_signs_off(
    client, head, teacher, teacher_file, review, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "comment_on_review",
            {"staff_comments": "I disagree with one point", "sign_off": "on"},
            pk=teacher_file.pk,
            review_pk=review.pk,
        )
    message = _the_one_email(mailoutbox, head)
    _no_content(message)
    assert "Teacher Tester has signed off the review meeting" in message.body


def test_a_comment_without_signing_off_tells_nobody(
    client, teacher, teacher_file, review, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "comment_on_review",
            {"staff_comments": "A first thought"},
            pk=teacher_file.pk,
            review_pk=review.pk,
        )
    assert mailoutbox == []


def test_the_chair_is_told_when_the_head_signs_off_their_own_review(
    client, head, chair, head_file, mailoutbox, django_capture_on_commit_callbacks
):
    from performance.models import ReviewMeeting

    meeting = ReviewMeeting(
        file=head_file,
        kind=ReviewMeeting.Kind.OBJECTIVE_SETTING,
        held_on=TODAY,
        notes="Governors' panel",
        outcome="Agreed in full",
        recorded_by=chair,
    )
    meeting.save()
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "comment_on_review",
            {"staff_comments": "", "sign_off": "on"},
            pk=head_file.pk,
            review_pk=meeting.pk,
        )
    _no_content(_the_one_email(mailoutbox, chair))


def test_ending_a_delegation_early_tells_the_reviewer(
    client, head, line_manager, teacher, delegation, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "end_delegation", {}, pk=delegation.file.pk)
    message = _the_one_email(mailoutbox, line_manager)
    _no_content(message, teacher.get_full_name())
    assert "closed to you" in message.body
    # The daily check does not tell them again.
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_of_ending_delegations() == 0
    assert len(mailoutbox) == 1


def _delegation(file, reviewer, head, starts, ends):
    running = Delegation(
        file=file,
        reviewer=reviewer,
        starts_on=TODAY + timedelta(days=starts),
        ends_on=TODAY + timedelta(days=ends),
        delegated_by=head,
    )
    running.save()
    return running


def test_a_reviewer_hears_once_that_their_delegation_is_about_to_end(
    teacher_file, line_manager, teacher, head, mailoutbox, django_capture_on_commit_callbacks
):
    ending = _delegation(teacher_file, line_manager, head, -30, 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_of_ending_delegations() == 1
    message = _the_one_email(mailoutbox, line_manager)
    _no_content(message, teacher.get_full_name())
    assert f"{ending.ends_on:%-d %b %Y}" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_of_ending_delegations() == 0
    assert len(mailoutbox) == 1


def test_a_short_delegation_or_one_far_from_its_end_is_not_mentioned(
    teacher_file, head_file, line_manager, head, chair, mailoutbox
):
    _delegation(teacher_file, line_manager, head, -2, 4)  # told its end when it began
    _delegation(head_file, line_manager, chair, -30, 30)
    assert tell_of_ending_delegations() == 0
    assert mailoutbox == []


def test_when_a_delegation_has_ended_the_reviewer_and_the_holder_each_hear_once(
    teacher_file, line_manager, teacher, head, mailoutbox, django_capture_on_commit_callbacks
):
    _delegation(teacher_file, line_manager, head, -60, -1)
    _delegation(teacher_file, line_manager, head, -90, -30)  # long ago: not raked up
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_of_ending_delegations() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([line_manager.email, head.email])
    to_reviewer = next(m for m in mailoutbox if m.to == [line_manager.email])
    to_holder = next(m for m in mailoutbox if m.to == [head.email])
    _no_content(to_reviewer, teacher.get_full_name())
    _no_content(to_holder)
    assert "Teacher Tester" in to_holder.body and "Line_Manager Tester" in to_holder.body
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_of_ending_delegations() == 0
    assert len(mailoutbox) == 2


def test_nothing_is_told_of_a_change_rolled_back(head, teacher_file, observer, mailoutbox):
    from django.db import transaction

    from performance.notifications import tell

    with pytest.raises(RuntimeError), transaction.atomic():
        observation = Observation(
            file=teacher_file, observer=observer, named_by=head, planned_for=TODAY
        )
        observation.save()
        tell("observer_named", observation)
        raise RuntimeError("the save failed after all")
    assert mailoutbox == []


def test_the_queued_task_holds_an_id_and_no_content(
    client, settings, head, observer, teacher_file, django_capture_on_commit_callbacks
):
    """The real queue (django-tasks-db) keeps arguments as plain JSON in the database."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "arrange_observation",
            {"observer": observer.pk, "planned_for": TODAY.isoformat(), "lesson": "3 Oak, reading"},
            pk=teacher_file.pk,
        )
    queued = DBTaskResult.objects.get(task_path__endswith="tell_of_performance_step")
    observation = Observation.objects.get(file=teacher_file)
    assert queued.args_kwargs["args"] == ["observer_named", str(observation.pk)]
    stored = json.dumps(queued.args_kwargs)
    assert not [word for word in [*CONTENT, "Teacher", "Observer"] if word in stored]


def test_the_daily_command_queues_the_check(settings, db):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("tell_of_ending_delegations")
    assert (
        DBTaskResult.objects.filter(task_path__endswith="tell_of_ending_delegations").count() == 1
    )
