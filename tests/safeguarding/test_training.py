"""Training and sign-off (P9): child-protection training runs out after a year (DSL training after
two), policies are read every year; the DSL and head see who is overdue or due soon; everyone is
reminded once per stage, by an email naming only the course and the date."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from safeguarding import training
from safeguarding.models import Alert, Course, PolicyReading, TrainingRecord, TrainingReminder
from safeguarding.models.training import current_policy_version, requirements
from tests.conftest import sign_in

from .conftest import signed

# Reminders go out on school days only: these tests are about who is told, not when.
pytestmark = pytest.mark.usefixtures("any_day_is_a_school_day")

TODAY = timezone.localdate()


def complete(person, course, on, title=""):
    record = TrainingRecord(person=person, course=course, completed_on=on, title=title)
    record.save()
    return record


def read_all(person, on):
    for policy in ("confidentiality", "child_protection"):
        PolicyReading.objects.create(person=person, policy=policy, version=str(on), read_on=on)


def state(person, item, today=TODAY):
    return next(n for n in requirements([person]) if n.item == item).state(today)


def test_basic_training_runs_out_after_a_year_and_dsl_training_after_two(teacher, dsl):
    basic = complete(teacher, Course.CHILD_PROTECTION, date(2025, 9, 1))
    lead = complete(dsl, Course.DSL, date(2025, 9, 1))
    assert basic.expires_on == date(2026, 9, 1)
    assert lead.expires_on == date(2027, 9, 1)
    assert complete(teacher, Course.DSL, date(2024, 2, 29)).expires_on == date(2026, 2, 28)


def test_the_team_needs_dsl_training_and_everyone_else_basic_training(teacher, deputy):
    assert {n.item for n in requirements([teacher])} == {
        "course:child_protection",
        "policy:confidentiality",
        "policy:child_protection",
    }
    assert "course:dsl" in {n.item for n in requirements([deputy])}


def test_states_move_with_the_clock(teacher, deputy):
    complete(teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=300))
    complete(deputy, Course.DSL, TODAY - timedelta(days=300))
    # Completed 300 days ago: runs out in about 65 days, so not yet within the 30-day window.
    assert state(teacher, "course:child_protection") == "ok"
    assert state(teacher, "course:child_protection", TODAY + timedelta(days=40)) == "due_soon"
    assert state(teacher, "course:child_protection", TODAY + timedelta(days=70)) == "overdue"
    # On the same day the deputy's two-year DSL training is still valid.
    assert state(deputy, "course:dsl", TODAY + timedelta(days=70)) == "ok"
    assert state(deputy, "course:dsl", TODAY + timedelta(days=440)) == "overdue"


def test_never_done_is_overdue(teacher):
    assert state(teacher, "course:child_protection") == "overdue"
    assert state(teacher, "policy:confidentiality") == "overdue"


def test_staff_record_reading_the_policies_once_a_year(client, teacher):
    sign_in(client, teacher)
    response = client.post(
        "/safeguarding/training/mine/read/",
        {
            "which": "confidentiality",
            "confidentiality-policy": "confidentiality",
            "confidentiality-confirm": "on",
        },
    )
    assert response.status_code == 302
    reading = PolicyReading.objects.get(person=teacher)
    assert reading.version == current_policy_version() and reading.read_on == TODAY
    client.post(
        "/safeguarding/training/mine/read/",
        {
            "which": "confidentiality",
            "confidentiality-policy": "confidentiality",
            "confidentiality-confirm": "on",
        },
    )
    assert PolicyReading.objects.filter(person=teacher).count() == 1
    assert state(teacher, "policy:confidentiality") == "ok"


def test_reading_needs_the_box_ticked(client, teacher):
    sign_in(client, teacher)
    client.post(
        "/safeguarding/training/mine/read/",
        {"which": "confidentiality", "confidentiality-policy": "confidentiality"},
    )
    assert not PolicyReading.objects.exists()


def test_staff_see_their_own_status(client, teacher):
    complete(teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=400))
    sign_in(client, teacher)
    page = client.get("/safeguarding/training/mine/").content.decode()
    assert "Child-protection (basic) training" in page and "Overdue" in page


def test_the_dashboard_lists_who_is_overdue_or_due_soon(client, dsl, teacher, other_teacher, ta):
    complete(teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=400))  # overdue
    complete(other_teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=350))  # due soon
    complete(ta, Course.CHILD_PROTECTION, TODAY - timedelta(days=10))  # fine
    for person in (teacher, other_teacher, ta):
        read_all(person, TODAY)
    complete(dsl, Course.DSL, TODAY)
    read_all(dsl, TODAY)
    sign_in(client, dsl, verified=True)
    response = client.get("/safeguarding/training/")
    assert response.status_code == 200
    rows = [(n.person, s) for n, s, _ in response.context["attention"]]
    assert rows == [(teacher, "overdue"), (other_teacher, "due_soon")]


def test_the_dsl_records_completed_training(client, dsl, teacher):
    sign_in(client, dsl, verified=True)
    response = client.post(
        "/safeguarding/training/",
        {"person": teacher.pk, "course": "child_protection", "completed_on": str(TODAY)},
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(person=teacher)
    assert record.recorded_by == dsl and record.expires_on.year == TODAY.year + 1


def test_training_cannot_be_completed_in_the_future(client, dsl, teacher):
    sign_in(client, dsl, verified=True)
    response = client.post(
        "/safeguarding/training/",
        {
            "person": teacher.pk,
            "course": "child_protection",
            "completed_on": str(TODAY + timedelta(days=3)),
        },
    )
    assert response.status_code == 400 and not TrainingRecord.objects.exists()


@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
def test_the_dashboard_is_for_the_team_and_head_verified(client, request, persona):
    user = request.getfixturevalue(persona)
    sign_in(client, user)
    response = client.get("/safeguarding/training/")
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    sign_in(client, user, verified=True)
    assert client.get("/safeguarding/training/").status_code == 200


@pytest.mark.parametrize("persona", ["teacher", "office", "volunteer", "governor", "parent"])
def test_nobody_else_sees_everyones_training(client, request, persona):
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get("/safeguarding/training/").status_code == 404


# Governors work with the school and train too (P16); parents do not.
@pytest.mark.parametrize("persona", ["parent"])
def test_parents_have_no_training_page(client, request, persona):
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get("/safeguarding/training/mine/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    for path in ("/safeguarding/training/", "/safeguarding/training/mine/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- reminders -------------------------------------------------------------------------------


def test_reminders_once_per_stage_as_the_clock_moves(
    teacher, mailoutbox, django_capture_on_commit_callbacks
):
    complete(teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=200))
    read_all(teacher, TODAY - timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        assert training.send_reminders(TODAY) == 0  # all fine today
        soon = TODAY + timedelta(days=150)
        assert training.send_reminders(soon) == 3  # course and both policies due soon
        assert training.send_reminders(soon + timedelta(days=5)) == 0  # already reminded
        late = TODAY + timedelta(days=170)
        assert training.send_reminders(late) == 3  # now overdue: one more each
    assert TrainingReminder.objects.filter(person=teacher).count() == 6
    assert len(mailoutbox) == 6
    mail = mailoutbox[0]
    assert mail.to == [teacher.email]
    assert "Child-protection (basic) training" in mail.subject or "policy" in mail.subject
    assert Alert.objects.filter(recipient=teacher, kind=Alert.Kind.TRAINING_DUE).count() == 6


def test_the_command_queues_the_reminders_through_the_task_framework(
    teacher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders")
    subjects = sorted(m.subject for m in mailoutbox)
    assert len(subjects) == 3 and all(teacher.email in m.to for m in mailoutbox)
    assert any("Child-protection (basic) training" in s for s in subjects)


def test_the_dashboard_reads_ones_training_as_the_register_does(teacher, deputy):
    """The dashboard's panel asks a person's latest course and readings in its shared query;
    it must say what ``requirements`` says, for every case the register knows."""
    from confidentiality.counting import count_all
    from safeguarding.panels import _training_questions, _training_requirements

    def both(person):
        answers = count_all(_training_questions(person))
        quick = _training_requirements(person, answers)
        register = [r for r in requirements([person]) if r.person.pk == person.pk]
        key = lambda r: (r.item, r.label, r.due_on, r.last_done)  # noqa: E731
        return sorted(map(key, quick)), sorted(map(key, register))

    quick, register = both(teacher)  # never done anything: due from the day they joined
    assert quick == register
    complete(teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=400))
    complete(teacher, Course.CHILD_PROTECTION, TODAY - timedelta(days=30))
    complete(teacher, Course.DSL, TODAY - timedelta(days=10))  # not the course a teacher needs
    read_all(teacher, TODAY - timedelta(days=200))
    quick, register = both(teacher)
    assert quick == register
    complete(deputy, Course.DSL, TODAY - timedelta(days=800))  # run out
    quick, register = both(deputy)
    assert quick == register
