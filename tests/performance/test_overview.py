"""The holder's overview of the review cycle (P18): each member of staff's steps done and
overdue, by the cycle's own dates, in a constant number of queries; the head's own file on the
chair's overview only; and the dashboard panel and menu entry that lead there."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from confidentiality.roles import Role
from performance.models import Objective, PerformanceFile, ReviewCycle, ReviewMeeting
from tests.conftest import sign_in


def _staff_with_files(make_user, head, cycle, how_many, start):
    for n in range(start, start + how_many):
        person = make_user(f"staff{n}", Role.TEACHER)
        file = PerformanceFile(subject=person, cycle=cycle, opened_by=head)
        file.save()
        Objective(file=file, title="An aim", success_criteria="Met", set_by=head).save()
        ReviewMeeting(
            file=file,
            kind=ReviewMeeting.Kind.MID_YEAR,
            held_on=timezone.localdate(),
            notes="n",
            outcome="o",
            recorded_by=head,
        ).save()


def test_the_overview_takes_the_same_queries_for_3_and_12_staff(client, head, make_user, cycle):
    sign_in(client, head, verified=True)
    _staff_with_files(make_user, head, cycle, 3, 0)
    client.get(reverse("performance:overview"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("performance:overview"))
    assert response.content.decode().count('data-label="Objectives set">Yes') == 3
    _staff_with_files(make_user, head, cycle, 9, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("performance:overview"))
    assert response.content.decode().count('data-label="Objectives set">Yes') == 12
    assert len(few) == len(many)


def test_overdue_steps_follow_the_cycles_dates(client, head, teacher, make_user):
    today = timezone.localdate()
    cycle = ReviewCycle(
        name="test",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=100),
        objectives_due=today - timedelta(days=150),
        mid_year_due=today - timedelta(days=1),
        final_due=today + timedelta(days=50),
    )
    cycle.save()
    file = PerformanceFile(subject=teacher, cycle=cycle, opened_by=head)
    file.save()
    Objective(file=file, title="Aim", success_criteria="Met", set_by=head).save()
    ta = make_user("ta_without_file", Role.TEACHING_ASSISTANT)
    sign_in(client, head, verified=True)
    response = client.get(reverse("performance:overview"))
    rows = {row.person.pk: row for row in response.context["rows"]}
    assert rows[teacher.pk].overdue == ["Mid-year review"]
    assert rows[ta.pk].overdue == ["Objectives set", "Mid-year review"]
    assert rows[ta.pk].file_id is None
    assert head.pk not in rows  # the head's own file is the chair's


def test_the_chair_sees_only_the_head_teacher(client, chair, head, teacher, teacher_file):
    sign_in(client, chair)
    response = client.get(reverse("performance:overview"))
    assert [row.person.pk for row in response.context["rows"]] == [head.pk]


def test_the_usual_cycle_runs_september_to_august():
    cycle = ReviewCycle.usual_for(date(2027, 3, 4))
    assert (cycle.name, cycle.starts_on, cycle.ends_on) == (
        "2026–27",
        date(2026, 9, 1),
        date(2027, 8, 31),
    )
    assert (cycle.objectives_due, cycle.mid_year_due, cycle.final_due) == (
        date(2026, 10, 31),
        date(2027, 2, 28),
        date(2027, 7, 31),
    )


def test_the_head_opens_a_file_for_a_member_of_staff_once(client, head, ta, cycle):
    sign_in(client, head, verified=True)
    url = reverse("performance:open_file", kwargs={"pk": ta.pk})
    client.post(url)
    client.post(url)
    assert PerformanceFile.objects.filter(subject=ta).count() == 1


def _panel_titles(client):
    response = client.get(reverse("dashboard"))
    return [panel["title"] for panel in response.context["panels"]]


def test_the_dashboard_counts_overdue_steps_for_the_head(client, head, teacher, make_user):
    today = timezone.localdate()
    ReviewCycle(
        name="now",
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=200),
        objectives_due=today - timedelta(days=10),
        mid_year_due=today + timedelta(days=10),
        final_due=today + timedelta(days=100),
    ).save()
    sign_in(client, head, verified=True)
    response = client.get(reverse("dashboard"))
    panel = next(p for p in response.context["panels"] if p["title"].startswith("Performance"))
    assert panel["body"].startswith("1 overdue step for 1 member of staff")
    assert panel["links"][0]["url"] == reverse("performance:overview")


@pytest.mark.parametrize(
    "who, sees_menu",
    [
        ("teacher", True),
        ("ta", True),
        ("head", True),
        ("chair", True),
        ("governor", False),
        ("parent", False),
        ("volunteer", False),
    ],
)
def test_the_menu_entry(client, request, who, sees_menu):
    user = request.getfixturevalue(who)
    sign_in(client, user, verified=True)
    page = client.get(reverse("dashboard")).content.decode()
    assert (f'href="{reverse("performance:home")}"' in page) is sees_menu


def test_a_member_of_staff_is_linked_to_their_own_file(client, teacher, teacher_file):
    sign_in(client, teacher)
    response = client.get(reverse("dashboard"))
    panel = next(p for p in response.context["panels"] if p["title"] == "My performance review")
    assert panel["links"][0]["url"] == reverse("performance:file", kwargs={"pk": teacher_file.pk})
    assert "Performance reviews" not in _panel_titles(client)


def test_the_head_sets_the_cycles_dates_and_a_muddle_is_refused_clearly(client, head):
    sign_in(client, head, verified=True)
    cycle = ReviewCycle.objects.current()
    url = reverse("performance:cycle_dates")
    muddled = {
        "objectives_due": cycle.mid_year_due.isoformat(),
        "mid_year_due": cycle.objectives_due.isoformat(),
        "final_due": cycle.final_due.isoformat(),
    }
    response = client.post(url, muddled)
    assert response.status_code == 400
    assert "The steps must come in order" in response.content.decode()
    outside = {**muddled, "objectives_due": (cycle.starts_on - timedelta(days=1)).isoformat()}
    assert "Choose a date in the cycle" in client.post(url, outside).content.decode()
    later = cycle.objectives_due + timedelta(days=14)
    response = client.post(
        url,
        {
            "objectives_due": later.isoformat(),
            "mid_year_due": cycle.mid_year_due.isoformat(),
            "final_due": cycle.final_due.isoformat(),
        },
    )
    assert response.status_code == 302
    assert ReviewCycle.objects.get(name=cycle.name).objectives_due == later


def _names(response) -> list[str]:
    return [row.person.username for row in response.context["rows"]]


def test_the_overview_finds_a_member_of_staff_by_name_or_job(client, head, make_user, cycle):
    _staff_with_files(make_user, head, cycle, 3, 0)
    librarian = make_user("librarian", Role.TEACHING_ASSISTANT)
    librarian.first_name, librarian.last_name, librarian.job_title = "Ada", "Quill", "Librarian"
    librarian.save()
    sign_in(client, head, verified=True)
    url = reverse("performance:overview")
    assert _names(client.get(url, {"q": "quill"})) == ["librarian"]
    assert _names(client.get(url, {"q": "LIBRARIAN"})) == ["librarian"]
    assert _names(client.get(url, {"q": "ada quill"})) == ["librarian"]
    response = client.get(url, {"q": "nobody of that name"})
    assert _names(response) == []
    assert "No member of staff matches" in response.content.decode()
    # The totals above the table still speak for everyone.
    assert response.context["everyone"] == 4


def test_the_overview_shows_only_what_is_outstanding(client, head, make_user):
    today = timezone.localdate()
    cycle = ReviewCycle(
        name="chase",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=100),
        objectives_due=today - timedelta(days=150),
        mid_year_due=today + timedelta(days=10),
        final_due=today + timedelta(days=50),
    )
    cycle.save()
    _staff_with_files(make_user, head, cycle, 2, 0)  # objectives set: nothing overdue
    late = make_user("late_one", Role.TEACHER)  # no file, objectives overdue
    sign_in(client, head, verified=True)
    url = reverse("performance:overview")
    assert _names(client.get(url, {"show": "overdue"})) == ["late_one"]
    assert _names(client.get(url, {"show": "no_file"})) == ["late_one"]
    assert sorted(_names(client.get(url))) == ["late_one", "staff0", "staff1"]
    # A filter this page does not know hides nobody, and says what is wrong.
    response = client.get(url, {"show": "everything-please"})
    assert sorted(_names(response)) == ["late_one", "staff0", "staff1"]
    assert "Select a valid choice" in response.content.decode()
    assert late.pk


def test_the_overview_is_paged_and_a_page_costs_the_same_queries(client, head, make_user, cycle):
    from performance.views.files import STAFF_PER_PAGE

    sign_in(client, head, verified=True)
    for n in range(STAFF_PER_PAGE + 5):
        make_user(f"member{n:03}", Role.TEACHER)
    url = reverse("performance:overview")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert len(response.context["rows"]) == STAFF_PER_PAGE
    assert response.context["everyone"] == STAFF_PER_PAGE + 5
    with CaptureQueriesContext(connection) as second:
        response = client.get(url, {"page": 2})
    assert len(response.context["rows"]) == 5
    assert len(first) == len(second)
    # The search is kept from page to page.
    response = client.get(url, {"q": "member", "page": 1})
    assert "?q=member&amp;page=2" in response.content.decode()
