"""Tasks for staff (issue 11): an action set for someone reaches them at once (an alert, and an
email that says nothing of the concern), shows on their dashboard with its due date, and they
record it done with a short note that reaches the DSL and the chronology. They see only what the
DSL chose to tell them: never the concern's content, its category or the concern page, unless
they raised it. Every rule from both sides."""

import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import entry_subject_key
from confidentiality.roles import Role, group_for
from safeguarding import adults, chronology, routing
from safeguarding.dates import short_day
from safeguarding.models import Action, Alert, ConcernSubject, Notification
from safeguarding.policy import TASK
from tests.conftest import sign_in

# Reminders go out on school days only: these tests are about who is told, not when.
pytestmark = pytest.mark.usefixtures("any_day_is_a_school_day")

ACCOUNT = "Maya said her uncle locks her in the shed"
DESCRIPTION = "Find out whether the uncle collects her on Fridays"
BRIEF = "Please walk her to the office at home time on Friday and wait with her."
LOCATION = "Cloakroom by the hall"


@pytest.fixture
def concern(raise_concern, ta, pupil, team):
    """A concern the TA raised about Maya (in the teacher's class): not the teacher's."""
    return raise_concern(ta, [pupil], account=ACCOUNT, location=LOCATION, category="neglect")


def set_task(client, concern, owner, due_in_days=2, **extra):
    data = {
        "action-description": DESCRIPTION,
        "action-owner": owner.pk,
        "action-due_on": (timezone.localdate() + timedelta(days=due_in_days)).isoformat(),
        "action-brief": BRIEF,
        "action-keep_closed_day": "on",  # the tests run on any day, a weekend too
        **extra,
    }
    response = client.post(f"/safeguarding/concerns/{concern.pk}/actions/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Action.objects.filter(concern=concern).latest("created_at")


@pytest.fixture
def task(client, dsl, teacher, concern):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, teacher)
    client.logout()
    return action


def task_url(action, verb=""):
    return reverse(f"safeguarding:task{'_' + verb if verb else ''}", kwargs={"pk": action.pk})


def secrets_of(concern):
    """What the concern says, which nobody outside the team may read on their task pages."""
    return [ACCOUNT, DESCRIPTION, LOCATION, "Neglect", concern.reference, "Classroom"]


# --- setting a task: it reaches the person at once -----------------------------------------------


def test_a_task_reaches_the_person_at_once_with_a_content_free_email(
    client, dsl, teacher, concern, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, dsl, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        action = set_task(client, concern, teacher, **{"action-tell_which_child": "on"})
    assert access.has_permission(teacher, TASK, action)
    alert = Alert.objects.get(recipient=teacher, kind=Alert.Kind.TASK_SET)
    assert alert.url == task_url(action)
    assert str(dsl) in alert.message and "due" in alert.message
    assert Notification.objects.get(recipient=teacher).status == Notification.Status.SENT
    (mail,) = [m for m in mailoutbox if teacher.email in m.to]
    text = mail.subject + mail.body + mail.alternatives[0][0]
    assert str(dsl) in text and short_day(action.due_on) in text
    assert task_url(action) in text
    # Content-free: even though the DSL chose to name the child on the task page.
    for secret in [*secrets_of(concern), BRIEF, "Maya", "Quinn"]:
        assert secret not in text, secret
        assert secret not in alert.message, secret


def test_nobody_is_told_of_a_task_they_set_themselves(client, dsl, concern, mailoutbox):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, dsl)
    assert access.has_permission(dsl, TASK, action)
    assert not Alert.objects.filter(kind=Alert.Kind.TASK_SET).exists()
    assert not Notification.objects.filter(template="task_set").exists()


def test_a_task_shows_on_the_persons_dashboard_with_its_due_date_overdue_first(
    client, dsl, teacher, other_teacher, concern
):
    sign_in(client, dsl, verified=True)
    later = set_task(client, concern, teacher, due_in_days=5)
    late = set_task(client, concern, teacher, due_in_days=-3)
    set_task(client, concern, other_teacher, due_in_days=1)
    sign_in(client, teacher)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your safeguarding tasks" in page and "2 tasks to do" in page
    assert page.index(task_url(late)) < page.index(task_url(later))
    # What to do first (the start of the brief, as the task page says it), then the date in
    # the one style the pages use ("Wed 2 Dec", no leading zero).
    brief = BRIEF[:59].rstrip() + "…"
    assert f"Overdue: {brief} – task due {short_day(late.due_on)}" in page
    assert f"{brief} – task due {short_day(later.due_on)}, set by {dsl}" in page
    assert DESCRIPTION not in page  # the team's own record stays theirs
    listing = client.get(reverse("safeguarding:my_tasks")).content.decode()
    assert listing.index(task_url(late)) < listing.index(task_url(later))
    assert "Overdue" in listing
    for secret in secrets_of(concern):
        assert secret not in page and secret not in listing, secret


def test_someone_with_no_task_has_no_task_panel(client, other_teacher, task):
    sign_in(client, other_teacher)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your safeguarding tasks" not in page
    assert task_url(task) not in client.get(reverse("safeguarding:my_tasks")).content.decode()


# --- what the person sees ----------------------------------------------------------------------


def test_the_task_page_shows_the_brief_and_due_date_and_nothing_of_the_concern(
    client, teacher, concern, task
):
    sign_in(client, teacher)
    page = client.get(task_url(task)).content.decode()
    assert BRIEF in page and f"{task.due_on:%d %B %Y}".lstrip("0") in page
    for secret in [*secrets_of(concern), "Maya", "Quinn"]:
        assert secret not in page, secret
    assert reverse("safeguarding:concern", kwargs={"pk": concern.pk}) not in page
    assert reverse("safeguarding:my_concern", kwargs={"pk": concern.pk}) not in page
    # Nor in their alerts, and the concern itself stays closed to them.
    alerts = client.get(reverse("safeguarding:alerts")).content.decode()
    for secret in [*secrets_of(concern), "Maya", "Quinn"]:
        assert secret not in alerts, secret
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 404


def test_an_empty_brief_asks_them_to_speak_to_whoever_set_it(client, dsl, teacher, concern):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, teacher, **{"action-brief": ""})
    sign_in(client, teacher)
    page = client.get(task_url(action)).content.decode()
    assert f"{dsl} will tell you in person what is needed" in page
    assert DESCRIPTION not in page


def test_the_child_is_named_only_when_the_dsl_says_so_and_only_the_subject(
    client, dsl, teacher, concern, pupil, student_factory, oak
):
    witness = student_factory(group=oak, first_name="Zed", last_name="Witness")
    concern.name_children([(pupil, "subject"), (witness, ConcernSubject.Part.WITNESS)])
    concern.save()
    sign_in(client, dsl, verified=True)
    unnamed = set_task(client, concern, teacher)
    named = set_task(client, concern, teacher, **{"action-tell_which_child": "on"})
    assert named.tell_which_child and not unnamed.tell_which_child
    sign_in(client, teacher)
    page = client.get(task_url(named)).content.decode()
    assert "Maya Quinn" in page and "Zed" not in page
    page = client.get(task_url(unnamed)).content.decode()
    assert "Maya" not in page and "Zed" not in page


def test_who_raised_the_concern_is_led_to_their_own_my_concern_page(client, dsl, ta, concern):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, ta)
    sign_in(client, ta)
    page = client.get(task_url(action)).content.decode()
    assert reverse("safeguarding:my_concern", kwargs={"pk": concern.pk}) in page
    assert "Maya Quinn" in page  # the child they named themselves
    assert (
        DESCRIPTION not in page
        and reverse("safeguarding:concern", kwargs={"pk": concern.pk}) not in page
    )


def test_a_team_member_is_led_to_the_concern_through_its_own_door(client, dsl, deputy, concern):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, deputy)
    sign_in(client, deputy, verified=True)
    page = client.get(task_url(action)).content.decode()
    assert reverse("safeguarding:concern", kwargs={"pk": concern.pk}) in page


# --- nobody else -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_teacher", "parent", "volunteer", "ta", "dsl", "deputy"])
def test_nobody_else_may_open_a_task_or_record_it_done_404_like_an_unknown_id(
    client, request, task, who
):
    person = request.getfixturevalue(who)
    sign_in(client, person, verified=True)
    unknown = Action(pk=uuid.uuid4())
    for action in (task, unknown):
        assert client.get(task_url(action)).status_code == 404
        response = client.post(task_url(action, "done"), {"note": "Done it."})
        assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None
    assert task_url(task) not in client.get(reverse("safeguarding:my_tasks")).content.decode()


def test_the_person_it_is_set_for_may_open_it_and_an_unknown_id_is_still_404(client, teacher, task):
    sign_in(client, teacher)
    assert client.get(task_url(task)).status_code == 200
    assert client.get(task_url(Action(pk=uuid.uuid4()))).status_code == 404


def test_someone_who_leaves_the_staff_loses_their_task_pages(client, teacher, task):
    """Their grant on the action does not outlive their place on the staff (e.g. a teacher who
    leaves but keeps the account as a parent at the school)."""
    teacher.groups.set([group_for(Role.PARENT)])
    teacher.refresh_roles()
    sign_in(client, teacher)
    assert client.get(task_url(task)).status_code == 404
    assert client.post(task_url(task, "done"), {"note": "Done."}).status_code == 404
    assert client.get(reverse("safeguarding:my_tasks")).status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_anonymous_visitors_are_sent_to_sign_in(client, task):
    response = client.get(task_url(task))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_task_handed_to_someone_else_moves_with_it(client, teacher, other_teacher, task):
    task.owner = other_teacher
    task.save()
    sign_in(client, teacher)
    assert client.get(task_url(task)).status_code == 404
    sign_in(client, other_teacher)
    assert client.get(task_url(task)).status_code == 200


# --- recording it done -------------------------------------------------------------------------


def test_a_done_task_reaches_the_dsl_and_the_chronology(
    client, dsl, deputy, teacher, concern, pupil, task
):
    sign_in(client, teacher)
    note = "Walked her to the office; her aunt collected her at 3:20."
    response = client.post(task_url(task, "done"), {"note": note}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("safeguarding:my_tasks")
    assert "Task recorded as done" in response.content.decode()
    task.refresh_from_db()
    assert task.done_by == teacher and task.done_at is not None and task.done_note == note
    # The DSL (who set it) is told at once; the person who did it is not told of their own work.
    alert = Alert.objects.get(recipient=dsl, kind=Alert.Kind.TASK_DONE)
    assert str(teacher) in alert.message and note not in alert.message
    assert not Alert.objects.filter(recipient=teacher, kind=Alert.Kind.TASK_DONE).exists()
    # The chronology shows the completion with its note, for the team.
    done = [e for e in chronology.entries_for(pupil) if e.title.startswith("Action done")]
    assert len(done) == 1 and note in done[0].detail and done[0].when == task.done_at
    sign_in(client, dsl, verified=True)
    assert note in client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert note in client.get(f"/safeguarding/children/{pupil.pk}/chronology/").content.decode()
    # The teacher's own page shows it done, with their note, and no form any more.
    sign_in(client, teacher)
    page = client.get(task_url(task)).content.decode()
    assert note in page and "Record as done" not in page


def test_the_concern_page_shows_each_actions_person_due_date_and_brief(
    client, dsl, teacher, concern, task
):
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    due = f"{task.due_on.day} {task.due_on:%b %Y}"
    assert f"{DESCRIPTION} — {teacher}, due {due}" in page
    assert f"Told {teacher}: {BRIEF}" in page


def test_a_note_is_needed_and_bounded_and_nothing_typed_is_lost(client, teacher, task):
    sign_in(client, teacher)
    response = client.post(task_url(task, "done"), {"note": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Write a short note of what you did." in page
    assert 'href="#id_note"' in page  # the summary links to the field
    long_note = "Spoke to her. " * 100  # 1,400 characters
    response = client.post(task_url(task, "done"), {"note": long_note})
    assert response.status_code == 400
    page = response.content.decode()
    assert "this box takes up to 1,000" in page
    assert long_note.strip() in page  # what was typed is still there
    task.refresh_from_db()
    assert task.done_at is None


def test_recording_it_done_twice_changes_nothing(client, dsl, teacher, task):
    sign_in(client, teacher)
    client.post(task_url(task, "done"), {"note": "First."})
    response = client.post(task_url(task, "done"), {"note": "Second."}, follow=True)
    assert "already recorded as done" in response.content.decode()
    task.refresh_from_db()
    assert task.done_note == "First."
    assert Alert.objects.filter(kind=Alert.Kind.TASK_DONE).count() == 1


# --- overdue -----------------------------------------------------------------------------------


def test_an_overdue_task_escalates_to_the_team_and_reminds_its_person(
    client, dsl, deputy, teacher, concern
):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, teacher, due_in_days=-1)
    assert routing.alert_overdue() == 1
    assert routing.alert_overdue() == 0  # once only
    for person in (dsl, deputy):
        assert Alert.objects.filter(recipient=person, kind=Alert.Kind.OVERDUE_ACTION).exists()
    reminder = Alert.objects.get(recipient=teacher, kind=Alert.Kind.TASK_OVERDUE)
    assert reminder.url == task_url(action)
    for secret in [*secrets_of(concern), "Maya"]:
        assert secret not in reminder.message, secret
    # The periodic check covers it too (as it did before tasks reached their person).
    action.overdue_alerted_at = None
    action.save()
    assert routing.run_checks()["overdue"] == 1


def test_a_done_task_is_not_overdue(client, teacher, concern, dsl):
    sign_in(client, dsl, verified=True)
    action = set_task(client, concern, teacher, due_in_days=-1)
    sign_in(client, teacher)
    client.post(task_url(action, "done"), {"note": "Done late, sorry."})
    assert routing.alert_overdue() == 0


# --- audit -----------------------------------------------------------------------------------


def test_each_look_at_a_task_writes_one_access_entry_naming_the_child_blindly(
    client, teacher, task
):
    sign_in(client, teacher)
    looks = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=teacher)
    before = looks.count()
    client.get(task_url(task))
    client.get(task_url(task))
    assert looks.count() == before + 2
    entry = looks.latest("pk")
    assert entry.additional_data["subject"] == entry_subject_key(task)
    assert entry.additional_data["subject"].startswith("records.student:#")
    client.post(task_url(task, "done"), {"note": "Done."})
    assert looks.filter(additional_data__how="record done").count() == 1


# --- alerts name the child, for the team only ----------------------------------------------


def test_the_teams_alerts_name_the_child_once_the_second_factor_is_confirmed(
    client, dsl, teacher, concern
):
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("safeguarding:alerts")).content.decode()
    assert "About: Maya Quinn" in page
    client.logout()
    sign_in(client, dsl, verified=False)
    page = client.get(reverse("safeguarding:alerts")).content.decode()
    assert "Maya" not in page and "confirm your second factor" in page
    Alert.objects.create(
        recipient=teacher, concern=concern, kind=Alert.Kind.NEW_CONCERN, message="x"
    )
    sign_in(client, teacher)
    assert "Maya" not in client.get(reverse("safeguarding:alerts")).content.decode()


# --- a concern about an adult ------------------------------------------------------------------


def test_a_task_on_a_concern_about_an_adult_is_never_set_for_the_adult_named(
    client, dsl, head, teacher, other_teacher
):
    concern, _ = adults.raise_adult_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "person": other_teacher,
            "nature": "low_level",
            "category": "other",
            "urgency": "routine",
            "account": ACCOUNT,
            "happened_at": timezone.now(),
            "location": LOCATION,
        },
    )
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Tell them which child" not in page
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/actions/",
        {
            "action-description": DESCRIPTION,
            "action-owner": other_teacher.pk,
            "action-due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "This concern is about them" in response.content.decode()
    assert not Action.objects.exists()
    action = set_task(client, concern, teacher)  # the person who raised it may do something
    sign_in(client, teacher)
    page = client.get(task_url(action)).content.decode()
    assert BRIEF in page and str(other_teacher) not in page and ACCOUNT not in page


def test_an_email_about_a_task_that_cannot_be_delivered_reaches_the_team(
    client, dsl, teacher, concern, django_capture_on_commit_callbacks
):
    teacher.email = ""
    teacher.save()
    sign_in(client, dsl, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        set_task(client, concern, teacher)
    email = Notification.objects.get(recipient=teacher, template="task_set")
    while email.status != Notification.Status.FAILED:
        routing.deliver(email)
    failed = Alert.objects.get(recipient=dsl, kind=Alert.Kind.DELIVERY_FAILED)
    assert "a safeguarding task set for them" in failed.message and str(teacher) in failed.message


# --- the demo school ---------------------------------------------------------------------------


def test_the_demo_class_teacher_has_a_task_on_a_concern_she_did_not_raise(client, demo_school):
    from confidentiality.models import User

    teacher = User.objects.get(username="teacher")
    action = Action.objects.outstanding().exclude(concern__raised_by=teacher).get(owner=teacher)
    assert access.has_permission(teacher, TASK, action)
    assert Alert.objects.filter(recipient=teacher, kind=Alert.Kind.TASK_SET, url=task_url(action))
    sign_in(client, teacher)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your safeguarding tasks" in page and task_url(action) in page
    page = client.get(task_url(action)).content.decode()
    assert action.brief in page and "frightening picture" in action.description
    assert "frightening picture" not in page
    assert action.concern.named_children[0].student.first_name in page  # the DSL named the child


def test_a_lookalike_account_is_told_apart_by_its_role_in_the_choice_of_person(
    client, dsl, teacher, concern, make_user
):
    """An import may give an account any name and job title: the DSL choosing whom to set a task
    for sees the role the school gave each person first, so a copy of a colleague's name and
    title under another role is not mistaken for them."""
    teacher.job_title = "Deputy DSL, Year 5 lead"
    teacher.save()
    copy = make_user("tbennett", Role.OFFICE_STAFF, job_title="Deputy DSL, Year 5 lead")
    copy.first_name, copy.last_name = teacher.first_name, teacher.last_name
    copy.save()
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("safeguarding:add_action", args=[concern.pk])).content.decode()
    name = teacher.get_full_name()
    assert f">{name} – Teacher (Deputy DSL, Year 5 lead)</option>" in page
    assert f">{name} – Office staff (Deputy DSL, Year 5 lead)</option>" in page
