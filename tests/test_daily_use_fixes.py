"""Each role's dashboard says true things about that person (issue 13, a new user's review).

Each fix from both sides, through the test client: who now sees it, and who still does not. A
request to talk to "anyone" waits on the child's class teachers and the safeguarding team (and
opens only for them); "Mark as discussed" only once the parents said yes; the chair of governors
finds two-factor set-up; a new concern about an adult is on its handler's dashboard (counts
only); a phone number is a link only when it can be dialled; a task's due date on a closed day is
questioned; one date style; a parent's menu has one home and their sign-in page."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality.roles import Role, group_for
from confidentiality.templatetags.phone import tel_link
from records.models import DiscussionPermission, ParentLink, TalkRequest
from records.waiting_for_parents import waiting_for_parent
from safeguarding import adults
from safeguarding.dates import day_in_words, short_day
from safeguarding.models import Action, Alert
from safeguarding.school_time import is_working_day
from tests.conftest import sign_in

NOBODY_WAITING = "No pupil is waiting to talk to you."


def dashboard(client, user, verified=False) -> str:
    client.logout()
    sign_in(client, user, verified=verified)
    return client.get(reverse("dashboard")).content.decode()


def menu(page: str) -> str:
    return page[page.index("<nav") : page.index("</nav>")]


# --- 1. a request to talk to anyone -----------------------------------------------------------


@pytest.fixture
def talk_to_anyone(pupil, ta):
    return TalkRequest.record(student=pupil, by=ta, wants_to_talk_to=None, about="")


def test_a_request_to_talk_to_anyone_waits_on_the_class_teacher_and_the_team(
    client, talk_to_anyone, teacher, dsl, deputy
):
    detail = reverse("records:talk_request_detail", args=[talk_to_anyone.pk])
    for person in (teacher, dsl, deputy):
        page = dashboard(client, person, verified=person != teacher)
        assert "1 pupil is waiting to talk to you." in page, person
        assert "Maya Quinn (asked to talk to anyone)" in page
        assert detail in page
        assert NOBODY_WAITING not in page
    # The class teacher may open it and mark it done (the door agrees with the dashboard).
    dashboard(client, teacher)
    assert client.get(detail).status_code == 200
    response = client.post(detail, {"outcome": "We talked at break."})
    assert response.status_code == 302
    talk_to_anyone.refresh_from_db()
    assert not talk_to_anyone.is_open and talk_to_anyone.closed_by == teacher
    assert NOBODY_WAITING in dashboard(client, teacher)


def test_a_request_to_talk_to_anyone_is_not_on_other_dashboards_nor_opens_for_them(
    client, talk_to_anyone, other_teacher, make_user, oak, office
):
    elsewhere = make_user("birch_teacher", Role.TEACHER)  # another class's teacher
    helper = make_user("oak_ta", Role.TEACHING_ASSISTANT)  # supports in 3 Oak: not its teacher
    oak.staff.add(helper)
    detail = reverse("records:talk_request_detail", args=[talk_to_anyone.pk])
    for person in (other_teacher, elsewhere, helper, office):
        page = dashboard(client, person)
        assert detail not in page and "Maya Quinn (asked" not in page, person
        assert client.get(detail).status_code == 404, person
        assert "Maya Quinn" not in client.get(reverse("records:talk_request_list")).content.decode()


def test_a_teacher_who_leaves_the_class_no_longer_has_the_request(
    client, talk_to_anyone, teacher, oak
):
    oak.staff.remove(teacher)
    page = dashboard(client, teacher)
    assert NOBODY_WAITING in page
    detail = reverse("records:talk_request_detail", args=[talk_to_anyone.pk])
    assert client.get(detail).status_code == 404


def test_a_request_naming_someone_waits_on_them_not_on_the_class_teacher(
    client, pupil, ta, teacher, other_teacher
):
    TalkRequest.record(student=pupil, by=ta, wants_to_talk_to=other_teacher)
    assert "1 pupil is waiting to talk to you." in dashboard(client, other_teacher)
    assert NOBODY_WAITING in dashboard(client, teacher)


# --- 2. permission to discuss with a class -------------------------------------------------------


def test_mark_as_discussed_shows_only_once_the_parents_said_yes(
    client, pupil, oak, teacher, parent
):
    ParentLink.objects.create(
        parent=parent, student=pupil, relationship="mother", parental_responsibility=True
    )
    permission = DiscussionPermission.objects.create(
        student=pupil, teaching_group=oak, topic="Her grandad died.", requested_by=teacher
    )
    student_page = reverse("records:student_detail", args=[pupil.pk])
    dashboard(client, teacher)
    waiting = client.get(student_page).content.decode()
    assert "Waiting for the parents" in waiting
    assert "Mark as discussed" not in waiting
    assert "wait for the parents' answer before discussing it" in waiting.replace("&#x27;", "'")

    permission.respond(by=parent, granted=False)
    refused = client.get(student_page).content.decode().replace("&#x27;", "'")
    assert "Mark as discussed" not in refused and "the parents said no" in refused

    permission.respond(by=parent, granted=True)
    granted = client.get(student_page).content.decode()
    assert "Mark as discussed" in granted
    assert reverse("records:discussion_used", args=[permission.pk]) in granted


def test_the_parents_question_names_the_childs_class(rf, pupil, oak, teacher, parent):
    ParentLink.objects.create(
        parent=parent, student=pupil, relationship="mother", parental_responsibility=True
    )
    DiscussionPermission.objects.create(
        student=pupil, teaching_group=oak, topic="Her grandad died.", requested_by=teacher
    )
    request = rf.get("/")
    request.user = parent
    (question, *_) = waiting_for_parent(request)
    assert question.label.startswith(
        "May we discuss Maya Quinn's situation with Maya's class (3 Oak)?"
    )


# --- 3. two-factor set-up for the chair of governors ---------------------------------------------


@pytest.fixture
def chair(make_user):
    person = make_user("chair", Role.GOVERNOR)
    person.groups.add(group_for(Role.CHAIR_OF_GOVERNORS))
    return person


SET_UP_ALERT = "You have not set it up yet."


def test_the_chair_is_told_to_set_up_two_factor_and_finds_it_in_the_menu(client, chair):
    page = dashboard(client, chair)
    assert SET_UP_ALERT in page
    assert f'href="{reverse("two_factor:setup")}">Set up two-factor sign-in</a>' in page
    assert "Sign-in security" in menu(page)
    setup = client.get(reverse("two_factor:setup")).content.decode()
    assert "Set up an authenticator app" in setup
    assert "recovery code" not in setup.lower()
    # The page behind the menu speaks of recovery codes only as what comes once it is set up.
    manage = client.get(reverse("two_factor:manage")).content.decode()
    assert "use one of your recovery codes" not in manage


def test_the_clerk_head_and_team_are_told_too(client, make_user, head, dsl):
    clerk = make_user("clerk", Role.CLERK)
    for person in (clerk, head, dsl):
        assert SET_UP_ALERT in dashboard(client, person), person


def test_nobody_is_told_to_set_it_up_when_it_is_set_up_or_not_asked_of_them(
    client, chair, governor, teacher, parent
):
    TOTPDevice.objects.create(user=chair, name="phone", confirmed=True)
    assert SET_UP_ALERT not in dashboard(client, chair)
    for person in (governor, teacher, parent):
        assert SET_UP_ALERT not in dashboard(client, person), person
    # An ordinary governor may still protect their password: the menu has the page.
    assert "Sign-in security" in menu(dashboard(client, governor))


# --- 4. a concern about an adult on its handler's dashboard --------------------------------------


def raise_about(author, person):
    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": "allegation",
            "category": "other",
            "urgency": "routine",
            "account": "Gave a pupil his phone number.",
            "happened_at": timezone.now(),
        },
    )
    return concern


def test_a_new_concern_about_an_adult_is_on_the_heads_dashboard_without_a_name(
    client, head, dsl, teacher, other_teacher
):
    raise_about(other_teacher, teacher)
    page = dashboard(client, head, verified=True)
    assert "1 new concern about an adult awaiting you" in page
    assert reverse("safeguarding:adult_concerns") in page
    assert "Teacher Tester" not in page.split('class="panels"')[1]
    assert "1 new concern about an adult awaiting you" in dashboard(client, dsl, verified=True)


def test_the_concern_about_an_adult_is_not_on_other_dashboards(
    client, head, teacher, other_teacher
):
    raise_about(other_teacher, teacher)
    for person in (teacher, other_teacher):  # the adult it names; the person who raised it
        page = dashboard(client, person)
        assert "concern about an adult" not in page, person
    # Without the second factor confirmed the head's panel waits, as the team's does.
    unverified = dashboard(client, head)
    assert "concern about an adult awaiting" not in unverified
    assert "Confidential records need two-factor sign-in" in unverified


# --- 5. the wording of the two-factor wait: tests/test_two_factor_throttle.py -------------------
# --- 6. phone links --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [
        ("01632 960 201", "01632960201"),
        ("+44 1632 960201", "+441632960201"),
        ("ext. 201", ""),
        ("ext.201", ""),
        ("201 (office)", ""),
        ("+", ""),
        ("", ""),
    ],
)
def test_only_a_number_a_phone_can_dial_is_a_link(typed, dialled):
    assert tel_link(typed) == dialled


def test_the_team_panel_links_a_dialable_number_and_not_an_extension(client, teacher, dsl, deputy):
    dsl.phone = "ext.201"
    dsl.save()
    deputy.phone = "01632 960 202"
    deputy.save()
    page = dashboard(client, teacher)
    assert "ext.201" in page and "tel:ext" not in page
    assert 'href="tel:01632960202"' in page


# --- 7. due dates and dates in alerts ------------------------------------------------------------


def _next_saturday():
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def _action_data(owner, due, **extra):
    return {
        "action-description": "Check who collects him",
        "action-owner": owner.pk,
        "action-due_on": due.isoformat(),
        "action-brief": "Please note who collects him on Friday and tell me.",
        **extra,
    }


def test_a_due_date_on_a_closed_day_is_questioned_and_kept_if_confirmed(
    client, dsl, teacher, other_teacher
):
    concern = raise_about(other_teacher, make_named_adult(teacher))
    saturday = _next_saturday()
    assert not is_working_day(saturday)
    sign_in(client, dsl, verified=True)
    url = reverse("safeguarding:add_action", args=[concern.pk])
    refused = client.post(url, _action_data(teacher, saturday))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert f"The school is closed on {day_in_words(saturday)}" in page
    assert "Keep this date although the school is closed that day" in page
    assert "Please note who collects him on Friday" in page  # nothing typed is lost
    assert not Action.objects.exists()
    kept = client.post(url, _action_data(teacher, saturday, **{"action-keep_closed_day": "on"}))
    assert kept.status_code == 302
    assert Action.objects.get().due_on == saturday


def test_a_due_date_on_a_school_day_is_not_questioned_and_the_alert_says_it_plainly(
    client, dsl, teacher, other_teacher
):
    concern = raise_about(other_teacher, make_named_adult(teacher))
    monday = _next_saturday() + timedelta(days=2)
    if not is_working_day(monday):
        pytest.skip("the school calendar closes that Monday")
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("safeguarding:add_action", args=[concern.pk]), _action_data(teacher, monday)
    )
    assert response.status_code == 302
    alert = Alert.objects.get(recipient=teacher, kind=Alert.Kind.TASK_SET)
    assert f"due {short_day(monday)}" in alert.message
    assert not re.search(r"\b0\d\b", alert.message)  # no leading zero on a day


def make_named_adult(teacher):
    """The adult a concern names: anyone but the people the test works with."""
    from django.contrib.auth import get_user_model

    adult, _ = get_user_model().objects.get_or_create(
        username="named_adult", defaults={"first_name": "Named", "last_name": "Adult"}
    )
    adult.groups.add(group_for(Role.TEACHING_ASSISTANT))
    return adult


def test_the_dashboard_task_line_says_what_to_do(client, dsl, teacher, other_teacher):
    concern = raise_about(other_teacher, make_named_adult(teacher))
    due = timezone.localdate() + timedelta(days=3)
    sign_in(client, dsl, verified=True)
    client.post(
        reverse("safeguarding:add_action", args=[concern.pk]),
        _action_data(teacher, due, **{"action-keep_closed_day": "on"}),
    )
    page = dashboard(client, teacher)
    assert (
        f"Please note who collects him on Friday and tell me. – task due {short_day(due)}, "
        f"set by {dsl}"
    ) in page
    assert "Check who collects him" not in page  # the team's own record
    assert "Please note who collects him" not in dashboard(client, other_teacher)


def test_dates_have_one_style_without_leading_zeros():
    day = timezone.localdate().replace(day=2)
    assert short_day(day) == f"{day:%a} 2 {day:%b}"
    assert day_in_words(day) == f"{day:%A} 2 {day:%B}"
    assert short_day(day.replace(year=day.year + 1)).endswith(str(day.year + 1))


# --- 8. a parent's menu --------------------------------------------------------------------------


def test_a_parents_menu_has_one_home_and_their_sign_in_page(client, parent, teacher):
    nav = menu(dashboard(client, parent))
    assert "My children" in nav
    assert ">Home<" not in nav and "Dashboard" not in nav
    assert f'href="{reverse("change_email")}"' in nav and "Sign-in and email" in nav
    staff_nav = menu(dashboard(client, teacher))
    assert "Sign-in and email" not in staff_nav and "Sign-in security" in staff_nav
