"""P18: what is waiting for each person in performance files (an observation to write, a file
delegated to them, a review to sign off) shows on the Performance page and the dashboard, goes
when it is done, and costs the same few queries however much is waiting."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from performance.models import Delegation, Observation, ReviewMeeting
from tests.conftest import sign_in

TODAY = timezone.localdate()


def _home(client):
    response = client.get(reverse("performance:home"))
    assert response.status_code == 200
    return response.content.decode()


def _dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _waiting_part(page: str) -> str:
    return page.split('id="waiting"', 1)[1].split("</section>", 1)[0]


def test_an_observation_to_write_waits_for_its_observer_until_submitted(
    client, observer, draft_observation
):
    sign_in(client, observer)
    day = f"{draft_observation.planned_for:%-d %B %Y}"
    waiting = _waiting_part(_home(client))
    assert "Lesson observations to write" in waiting and day in waiting
    assert reverse("performance:observation", kwargs={"pk": draft_observation.pk}) in waiting
    assert f"Observe Teacher Tester&#x27;s lesson on {day}" in _dashboard(client)
    draft_observation.submit()
    assert "Nothing is waiting for you." in _waiting_part(_home(client))
    assert "Performance: waiting for you" not in _dashboard(client)


def test_a_delegated_file_waits_for_the_reviewer_with_its_end_date_until_it_ends(
    client, line_manager, head, delegation
):
    sign_in(client, line_manager)
    until = f"{delegation.ends_on:%-d %B %Y}"
    waiting = _waiting_part(_home(client))
    assert "Files delegated to you" in waiting and f"until {until}" in waiting
    assert f"Review Teacher Tester&#x27;s file (until {until})" in _dashboard(client)
    delegation.end(by=head)
    assert "Nothing is waiting for you." in _waiting_part(_home(client))
    assert "Performance: waiting for you" not in _dashboard(client)


def test_a_review_waits_for_the_member_of_staff_until_signed_off(client, teacher, review):
    sign_in(client, teacher)
    waiting = _waiting_part(_home(client))
    assert "Reviews to sign off" in waiting and "Objective-setting meeting" in waiting
    assert f"#review-{review.pk}" in waiting
    assert "Sign off your objective-setting meeting" in _dashboard(client)
    review.comment("Only a comment", sign_off=False)
    assert "Reviews to sign off" in _waiting_part(_home(client))  # a comment is not a sign-off
    review.refresh_from_db()
    review.comment("Agreed", sign_off=True)
    assert "Nothing is waiting for you." in _waiting_part(_home(client))


def test_nobody_sees_what_waits_for_someone_else(
    client, head, other_teacher, dsl, review, delegation, draft_observation
):
    for person in (head, other_teacher, dsl):
        sign_in(client, person, verified=True)
        assert "Nothing is waiting for you." in _waiting_part(_home(client)), person
        assert "Performance: waiting for you" not in _dashboard(client)


def test_the_waiting_list_costs_the_same_queries_however_much_waits(
    client, make_user, cycle, head, line_manager, teacher_file
):
    from performance.models import PerformanceFile

    def add_one(n):
        colleague = make_user(f"colleague{n}", "teacher")
        file = PerformanceFile(subject=colleague, cycle=cycle, opened_by=head)
        file.save()
        Delegation(
            file=file,
            reviewer=line_manager,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=30),
            delegated_by=head,
        ).save()
        Observation(file=file, observer=line_manager, named_by=head, planned_for=TODAY).save()
        own = PerformanceFile.objects.get_or_create(
            subject=line_manager, cycle=cycle, defaults={"opened_by": head}
        )[0]
        ReviewMeeting(
            file=own,
            kind=ReviewMeeting.Kind.MID_YEAR,
            held_on=TODAY,
            notes="n",
            outcome="o",
            recorded_by=head,
        ).save()

    sign_in(client, line_manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _home(client)
        return len(captured)

    add_one(1)
    one = queries()
    add_one(2)
    add_one(3)
    page = _waiting_part(_home(client))
    assert page.count("Colleague") >= 6 and page.count("Mid-year review") == 3
    assert queries() == one


def test_what_exists_but_the_door_keeps_shut_makes_no_panel(
    client, line_manager, delegation, teacher_file
):
    """The dashboard counts what might be waiting before the door narrows it (for most staff
    nothing is, and the narrowing is the costly part). Something that exists but is no longer
    this person's to open, an observation they arranged as reviewer after their delegation
    ended, must still make no panel and name nothing."""
    draft = Observation(
        file=teacher_file,
        observer=line_manager,
        named_by=line_manager,
        planned_for=TODAY,
        lesson="3 Oak, maths",
    )
    draft.save()
    sign_in(client, line_manager)
    assert "Observe Teacher Tester&#x27;s lesson" in _dashboard(client)
    delegation.ends_on = TODAY - timedelta(days=1)
    delegation.save()
    page = _dashboard(client)
    assert "Performance: waiting for you" not in page
    assert "Teacher Tester" not in page


def test_a_dashboard_with_nothing_waiting_asks_only_what_might_be(client, teacher, make_user):
    """Nothing waiting: the panel is decided by the first, plain counts; the same number of
    queries whether or not someone else has things waiting."""
    sign_in(client, teacher)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = _dashboard(client)
        assert "Performance: waiting for you" not in page
        return len(captured)

    before = queries()
    other = make_user("someone", "teacher")
    Observation.objects.filter(observer=teacher).update(observer=other)
    assert queries() == before
