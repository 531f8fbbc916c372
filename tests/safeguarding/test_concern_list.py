"""The team's list of every concern (P3, P5): who may see it, each filter, the order, keyset
pages that stay put while concerns arrive, a constant number of queries, and the CSV export
(audited, safe to open in a spreadsheet). The dashboard's counts lead to the same concerns."""

import csv
import io
import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confidentiality import roles
from confidentiality.roles import Role
from safeguarding import adults
from safeguarding.forms.concern_list import ConcernListFilter
from safeguarding.models import Action, Concern, ConcernSubject, Referral
from safeguarding.views import concern_list as concern_list_view
from tests.conftest import sign_in

URL = "/safeguarding/concerns/"


def log(author, children=(), *, part=ConcernSubject.Part.SUBJECT, days_ago=0, **fields):
    """A concern about ``children`` as the team would find it (quicker than the form)."""
    concern = Concern(
        raised_by=author,
        idempotency_key=uuid.uuid4(),
        category=fields.pop("category", "physical"),
        account="Seen at the gate.",
        **fields,
    )
    concern.name_children([(child, part) for child in children])
    concern.save()
    if days_ago:
        moment = timezone.now() - timedelta(days=days_ago)
        Concern.objects.filter(pk=concern.pk).update(created_at=moment)
        concern.created_at = moment
    return concern


def about_adult(author, person):
    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": "low_level",
            "category": "other",
            "urgency": "routine",
            "account": "Shouted at a pupil in the corridor.",
            "happened_at": timezone.now(),
        },
    )
    return concern


def listed(client, query="") -> list[str]:
    """The references of the concerns on the page, in order."""
    response = client.get(URL + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.status_code
    return re.findall(r'href="/safeguarding/concerns/[0-9a-f-]+/">([0-9A-F]{8})<', _page(response))


def _page(response) -> str:
    return response.content.decode()


def refs(*concerns) -> list[str]:
    return [c.reference for c in concerns]


def exported(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def as_dsl(client, dsl):
    return sign_in(client, dsl, verified=True)


@pytest.fixture
def maya(pupil):
    return pupil


@pytest.fixture
def leo(student_factory):
    return student_factory(first_name="Leo", last_name="Marsh", upn="L00000000001")


# --- who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_sees_every_concern_about_a_child(client, request, persona, teacher, maya, leo):
    concerns = [log(teacher, [maya]), log(teacher, [leo], category="neglect")]
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert sorted(listed(client)) == sorted(refs(*concerns))
    assert "Maya Quinn" in _page(client.get(URL))


@pytest.mark.parametrize("persona", ["head", "teacher", "office", "parent", "governor"])
def test_nobody_outside_the_team_finds_the_list_or_its_export(client, request, persona, maya):
    log(request.getfixturevalue("teacher"), [maya])
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=True)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "?format=csv").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user).exists()


def test_an_unverified_dsl_is_sent_to_verify_first(client, dsl):
    sign_in(client, dsl, verified=False)
    for url in (URL, URL + "?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/two-factor/verify/" in response["Location"]


def test_the_dashboard_and_the_menu_link_to_the_list(as_dsl):
    assert 'href="/safeguarding/concerns/"' in _page(as_dsl.get("/safeguarding/"))
    assert ">All concerns</a>" in _page(as_dsl.get("/safeguarding/"))


def test_concerns_about_adults_are_listed_only_to_those_they_were_routed_to(
    client, teacher, dsl, deputy, head, other_teacher
):
    about_the_deputy = about_adult(teacher, deputy)  # routed to the DSL and the head
    about_the_dsl = about_adult(teacher, dsl)  # routed to the head and the deputies
    about_a_teacher = about_adult(teacher, other_teacher)  # the DSL and the head

    sign_in(client, deputy, verified=True)
    seen_by_deputy = listed(client)
    assert about_the_deputy.reference not in seen_by_deputy
    assert about_the_dsl.reference in seen_by_deputy
    assert about_a_teacher.reference not in seen_by_deputy
    exported_rows = exported(client.get(URL + "?format=csv&about=adults"))
    assert [row[0] for row in exported_rows[1:]] == refs(about_the_dsl)

    client.logout()
    sign_in(client, dsl, verified=True)
    seen_by_dsl = listed(client)
    assert about_the_dsl.reference not in seen_by_dsl
    assert {about_the_deputy.reference, about_a_teacher.reference} <= set(seen_by_dsl)
    # Those routed to the reader show whom they name, as on the list of concerns about adults.
    assert "An adult: Deputy Tester" in _page(client.get(URL))


# --- filters -------------------------------------------------------------------------------------


def test_filter_by_child_finds_them_in_any_part_by_name_or_upn(as_dsl, teacher, maya, leo):
    about_maya = log(teacher, [maya])
    maya_a_witness = log(teacher, [leo], category="peer_on_peer")
    maya_a_witness.name_children(
        [(leo, ConcernSubject.Part.SUBJECT), (maya, ConcernSubject.Part.WITNESS)]
    )
    maya_a_witness.save()
    about_leo = log(teacher, [leo])
    assert sorted(listed(as_dsl, "child=maya+quinn")) == sorted(refs(about_maya, maya_a_witness))
    assert sorted(listed(as_dsl, "child=Marsh")) == sorted(refs(maya_a_witness, about_leo))
    assert listed(as_dsl, "child=l00000000001") == listed(as_dsl, "child=Leo")


def test_a_child_nobody_is_called_is_said_so_next_to_the_field(as_dsl, teacher, maya):
    log(teacher, [maya])
    response = as_dsl.get(URL + "?child=Zebedee&category=neglect")
    page = unescape(_page(response))
    assert "No child on roll has a name or UPN matching “Zebedee”." in page
    assert 'value="Zebedee"' in page and '<option value="neglect" selected>' in page
    assert 'href="#id_child"' in page  # the error summary leads to the field


def test_filter_by_category_status_level_and_urgency(as_dsl, teacher, dsl, maya):
    neglect = log(teacher, [maya], category="neglect")
    urgent = log(teacher, [maya], urgency=Concern.Urgency.URGENT)
    monitored = log(teacher, [maya], status=Concern.Status.IN_PROGRESS, level="monitor")
    acknowledged = log(teacher, [maya], status=Concern.Status.ACKNOWLEDGED)
    closed = log(teacher, [maya], status=Concern.Status.CLOSED, level="early_help")

    assert listed(as_dsl, "category=neglect") == refs(neglect)
    assert listed(as_dsl, "urgency=urgent") == refs(urgent)
    assert listed(as_dsl, "level=monitor") == refs(monitored)
    assert sorted(listed(as_dsl, "level=none")) == sorted(refs(neglect, urgent, acknowledged))
    assert sorted(listed(as_dsl, "status=new")) == sorted(refs(neglect, urgent))
    assert listed(as_dsl, "status=closed") == refs(closed)
    assert sorted(listed(as_dsl, "status=under_way")) == sorted(refs(monitored, acknowledged))
    assert closed.reference not in listed(as_dsl, "status=open")
    assert len(listed(as_dsl, "status=open")) == 4
    assert listed(as_dsl, "category=neglect&status=closed") == []


def test_filter_by_the_person_assigned_or_acting_and_by_who_raised_it(
    as_dsl, teacher, other_teacher, ta, dsl, deputy, maya
):
    assigned = log(teacher, [maya], assigned_to=deputy)
    with_an_action = log(other_teacher, [maya])
    Action(
        concern=with_an_action,
        owner=deputy,
        description="Speak to mum at pick-up",
        due_on=timezone.localdate(),
        created_by=dsl,
    ).save()
    neither = log(ta, [maya], assigned_to=dsl)
    assert sorted(listed(as_dsl, f"assigned={deputy.pk}")) == sorted(refs(assigned, with_an_action))
    assert listed(as_dsl, f"assigned={dsl.pk}") == refs(neither)
    assert listed(as_dsl, f"raised_by={other_teacher.pk}") == refs(with_an_action)
    assert sorted(listed(as_dsl, f"raised_by={teacher.pk}")) == refs(assigned)


def test_filter_by_the_dates_it_was_logged_whole_days_included(as_dsl, teacher, maya):
    old = log(teacher, [maya], days_ago=40)
    recent = log(teacher, [maya], days_ago=10)
    today = log(teacher, [maya])
    day = timezone.localdate()
    since = (day - timedelta(days=20)).isoformat()
    assert sorted(listed(as_dsl, f"since={since}")) == sorted(refs(recent, today))
    until = timezone.localtime(recent.created_at).date().isoformat()
    assert sorted(listed(as_dsl, f"until={until}")) == sorted(refs(old, recent))
    assert listed(as_dsl, f"since={until}&until={until}") == refs(recent)
    assert listed(as_dsl, f"since={day.isoformat()}&until={day.isoformat()}") == refs(today)


def test_a_date_to_before_the_date_from_is_refused_next_to_the_field(as_dsl, teacher, maya):
    log(teacher, [maya])
    response = as_dsl.get(URL + "?since=2026-03-10&until=2026-03-01")
    page = unescape(_page(response))
    assert "This is before “Logged from” (10 March 2026): choose a later date." in page
    assert 'value="2026-03-10"' in page and 'value="2026-03-01"' in page
    assert "Correct the filters above to see the list." in page
    assert not re.search(r'href="/safeguarding/concerns/[0-9a-f-]+/"', page)


@pytest.mark.parametrize(
    "query",
    [
        "category=witchcraft",
        "status=lost",
        "level=high",
        "urgency=soon",
        "sort=name",
        "raised_by=x",
    ],
)
def test_an_unknown_choice_is_refused_in_words(as_dsl, query):
    response = as_dsl.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert "That is not one of the choices: choose one from the list." in _page(response)


def test_a_parent_or_the_same_person_twice_is_never_offered(
    dsl, deputy, teacher, parent, make_user
):
    both = make_user("both", Role.TEACHER)
    both.groups.add(roles.group_for(Role.OFFICE_STAFF))
    form = ConcernListFilter(concerns=Concern.objects.all())
    for name in ("raised_by", "assigned"):
        people = list(form.fields[name].queryset)
        assert parent not in people
        assert people.count(both) == 1
        assert teacher in people


def test_a_member_of_staff_who_has_left_is_still_offered_for_their_concerns(
    dsl, teacher, other_teacher, maya
):
    log(teacher, [maya])
    teacher.is_active = False
    teacher.save()
    form = ConcernListFilter(concerns=Concern.objects.all())
    assert teacher in form.fields["raised_by"].queryset
    assert other_teacher in form.fields["raised_by"].queryset


def test_overdue_lists_the_open_concerns_with_a_late_action_or_referral(as_dsl, teacher, dsl, maya):
    late_action = log(teacher, [maya], status=Concern.Status.IN_PROGRESS)
    Action(
        concern=late_action,
        owner=teacher,
        description="Check in",
        due_on=timezone.localdate() - timedelta(days=2),
        created_by=dsl,
    ).save()
    late_referral = log(teacher, [maya], status=Concern.Status.IN_PROGRESS)
    Referral(
        concern=late_referral,
        agency=Referral.Agency.choices[0][0],
        due_by=timezone.now() - timedelta(hours=3),
    ).save()
    log(teacher, [maya], status=Concern.Status.IN_PROGRESS)
    assert sorted(listed(as_dsl, "overdue=on")) == sorted(refs(late_action, late_referral))


# --- order and pages -----------------------------------------------------------------------------


def test_sorting_newest_oldest_urgency_and_status(as_dsl, teacher, maya):
    first = log(teacher, [maya], days_ago=3, status=Concern.Status.CLOSED)
    second = log(teacher, [maya], days_ago=2, urgency=Concern.Urgency.URGENT)
    third = log(teacher, [maya], days_ago=1, status=Concern.Status.IN_PROGRESS)
    assert listed(as_dsl) == refs(third, second, first)
    assert listed(as_dsl, "sort=oldest") == refs(first, second, third)
    assert listed(as_dsl, "sort=urgency") == refs(second, third, first)
    assert listed(as_dsl, "sort=status") == refs(second, third, first)


def _follow(client, page_html, rel):
    link = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', page_html)
    return None if link is None else unescape(link.group(1))


@pytest.mark.parametrize("sort", ["newest", "oldest", "urgency", "status"])
def test_pages_stay_put_while_new_concerns_arrive(as_dsl, monkeypatch, teacher, maya, sort):
    monkeypatch.setattr(concern_list_view, "PAGE_SIZE", 2)
    for days in range(5, 0, -1):
        log(teacher, [maya], days_ago=days, urgency="urgent" if days % 2 else "routine")
    monkeypatch.setattr(concern_list_view, "PAGE_SIZE", 10)
    everything = listed(as_dsl, f"sort={sort}")
    monkeypatch.setattr(concern_list_view, "PAGE_SIZE", 2)

    first = as_dsl.get(f"{URL}?sort={sort}")
    page_one = listed(as_dsl, f"sort={sort}")
    assert page_one == everything[:2]
    # Two concerns arrive (one urgent, one routine) while the first page is read.
    arrived = refs(log(teacher, [maya], urgency="urgent"), log(teacher, [maya]))
    seen = list(page_one)
    query = _follow(as_dsl, _page(first), "next")
    while query:
        response = as_dsl.get(f"{URL}?{query}")
        rows = listed(as_dsl, query)
        assert rows and not set(rows) & set(seen), "a row came round twice"
        seen += rows
        query = _follow(as_dsl, _page(response), "next")
    # Nothing skipped, nothing repeated, in the order first seen; a concern that arrived shows
    # only if it belongs after the rows already read (never pushing one of them along).
    assert [ref for ref in seen if ref not in arrived] == everything
    if sort in ("newest", "status"):
        assert not set(arrived) & set(seen)

    # Back from the last page: the page before it, as it was.
    last = as_dsl.get(f"{URL}?{_follow(as_dsl, _page(first), 'next')}")
    back = _follow(as_dsl, _page(last), "prev")
    assert listed(as_dsl, back) == everything[:2]


def test_an_altered_or_borrowed_cursor_starts_again_at_the_first_page(
    as_dsl, teacher, maya, monkeypatch
):
    monkeypatch.setattr(concern_list_view, "PAGE_SIZE", 1)
    oldest = log(teacher, [maya], days_ago=2)
    log(teacher, [maya], days_ago=1)
    newest = log(teacher, [maya])
    assert listed(as_dsl, "after=forged-cursor") == refs(newest)
    # A cursor of the newest-first order, carried over to oldest-first: not reinterpreted.
    after_newest = _follow(as_dsl, _page(as_dsl.get(URL)), "next")
    assert listed(as_dsl, after_newest + "&sort=oldest") == refs(oldest)


def _queries(client, query=""):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL + query)
        assert response.status_code == 200
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    as_dsl, teacher, other_teacher, dsl, deputy, student_factory
):
    def add(n):
        for i in range(n):
            children = [student_factory(), student_factory()]
            concern = log(
                teacher if i % 2 else other_teacher,
                children,
                assigned_to=deputy if i % 3 else dsl,
                status=Concern.Status.IN_PROGRESS,
                level="monitor",
            )
            assert concern.children
        about_adult(teacher, other_teacher)

    add(3)
    _queries(as_dsl)  # the people on file are read once, then kept a while per reader
    few = _queries(as_dsl), _queries(as_dsl, "?format=csv"), _queries(as_dsl, "?sort=status")
    add(27)
    assert len(listed(as_dsl)) == 32
    many = _queries(as_dsl), _queries(as_dsl, "?format=csv"), _queries(as_dsl, "?sort=status")
    assert few == many


# --- audit ---------------------------------------------------------------------------------------


def _entries(user):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user).order_by("pk")


def test_each_look_is_one_entry_with_the_filters_but_never_the_childs_name(
    as_dsl, dsl, teacher, maya
):
    log(teacher, [maya], category="neglect")
    as_dsl.get(URL + "?child=Maya+Quinn&category=neglect&status=open")
    (entry,) = _entries(dsl)
    assert entry.additional_data["how"] == "concern list"
    assert entry.additional_data["area"] == "safeguarding"
    reason = entry.additional_data["reason"]
    assert "Neglect" in reason and "Open (not closed)" in reason and "one child" in reason
    assert "Maya" not in str(entry.additional_data) and "Quinn" not in str(entry.additional_data)


# --- the export ----------------------------------------------------------------------------------


def test_the_export_is_the_whole_filtered_list_as_a_spreadsheet(
    as_dsl, monkeypatch, teacher, dsl, deputy, maya, leo
):
    monkeypatch.setattr(concern_list_view, "PAGE_SIZE", 1)
    neglect = log(teacher, [maya, leo], category="neglect", assigned_to=deputy, days_ago=1)
    neglect.name_children([(maya, ConcernSubject.Part.SUBJECT), (leo, ConcernSubject.Part.SIBLING)])
    neglect.save()
    second = log(teacher, [leo], category="neglect", urgency="urgent")
    log(teacher, [maya], category="online")
    response = as_dsl.get(URL + "?category=neglect&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(
        r'attachment; filename="concerns-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    heading, *rows = exported(response)
    assert heading[:4] == ["Reference", "Logged", "About", "Category"]
    assert [row[0] for row in rows] == refs(second, neglect)  # both, although a page holds one
    assert rows[1][2] == "Maya Quinn; Leo Marsh (sibling)"
    assert rows[1][3] == "Neglect" and rows[1][8] == "Deputy Tester"
    assert rows[0][4] == "Urgent" and rows[1][4] == "Routine"


def test_an_export_writes_its_own_entry_saying_how_many_and_which(as_dsl, dsl, teacher, maya):
    log(teacher, [maya], category="neglect")
    log(teacher, [maya], category="neglect")
    log(teacher, [maya], category="online")
    as_dsl.get(URL + "?category=neglect&child=Quinn&format=csv")
    (entry,) = _entries(dsl)
    assert entry.additional_data["how"] == "export concern list"
    assert entry.additional_data["area"] == "safeguarding"
    assert entry.additional_data["reason"] == "exported 2 concerns (one child's concerns; Neglect)"
    assert "Quinn" not in str(entry.additional_data)


def test_an_export_with_a_wrong_filter_exports_nothing(as_dsl, dsl, teacher, maya):
    log(teacher, [maya])
    response = as_dsl.get(URL + "?since=2026-03-10&until=2026-03-01&format=csv")
    assert response.status_code == 400
    assert "choose a later date" in _page(response)
    assert not _entries(dsl).filter(additional_data__how="export concern list").exists()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(
    as_dsl, student_factory, make_user, start
):
    child = student_factory(first_name=f'{start}HYPERLINK("http://evil")', last_name="Doe")
    author = make_user("author", Role.TEACHER)
    author.first_name = f"{start}cmd|' /C calc'!A0"
    author.save()
    log(author, [child])
    _heading, row = exported(as_dsl.get(URL + "?format=csv"))
    assert row[2] == f'\'{start}HYPERLINK("http://evil") Doe'
    # A name is trimmed of spaces, tabs and line ends before it is written.
    assert row[7].startswith(f"'{start}cmd" if start.strip() else "cmd")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# --- the dashboard's counts ----------------------------------------------------------------------


def _link(page, text):
    found = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}', page)
    assert found, text
    return unescape(found.group(1))


def test_each_count_on_the_dashboard_leads_to_the_same_concerns(
    as_dsl, teacher, dsl, other_teacher, maya
):
    urgent = log(teacher, [maya], urgency="urgent")
    new = log(teacher, [maya], category="neglect")
    open_case = log(teacher, [maya], status=Concern.Status.IN_PROGRESS)
    closed = log(teacher, [maya], status=Concern.Status.CLOSED, category="neglect")
    Action(
        concern=open_case,
        owner=teacher,
        description="Check in",
        due_on=timezone.localdate() - timedelta(days=1),
        created_by=dsl,
    ).save()
    about_adult(teacher, other_teacher)  # routed to the DSL: never in the children's counts
    page = _page(as_dsl.get("/safeguarding/"))

    def follow(text):
        return sorted(listed(as_dsl, _link(page, text).split("?", 1)[1]))

    assert follow("1 urgent concern not yet acknowledged") == refs(urgent)
    assert follow("1 new concern awaiting triage") == refs(new)
    assert follow("1 open case") == refs(open_case)
    assert follow("The open concerns with something overdue") == refs(open_case)
    assert follow("Every closed concern") == refs(closed)
    neglect = re.search(r'<a href="([^"]+)" aria-label="2 concerns: Neglect">2</a>', page)
    assert sorted(listed(as_dsl, unescape(neglect.group(1)).split("?", 1)[1])) == sorted(
        refs(new, closed)
    )
    assert len(follow("Every concern of the last twelve months")) == 4
