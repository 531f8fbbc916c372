"""The school calendar: the terms, INSET days and other closures, kept on one page by the school
office, the head teacher and the DSL (nobody else finds it), every change in the audit trail;
bank holidays of the school's nation close the school without being entered, and weekends
are never school days. The calendar is read in one query and then kept in the cache until
it changes."""

from datetime import date

import pytest
from auditlog.models import LogEntry

from confidentiality import school_calendar
from confidentiality.models import Closure, Term
from confidentiality.navigation import navigation_for
from tests.conftest import sign_in

PAGE = "/calendar/"
ADD_TERM = "/calendar/terms/add/"
ADD_CLOSURE = "/calendar/closures/add/"


@pytest.fixture
def autumn(db):
    return Term.objects.create(
        name="Autumn term 2026", first_day=date(2026, 9, 2), last_day=date(2026, 12, 18)
    )


@pytest.fixture
def spring(db):
    return Term.objects.create(
        name="Spring term 2027", first_day=date(2027, 1, 4), last_day=date(2027, 3, 26)
    )


# --- who keeps it ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "head", "dsl"])
def test_the_office_the_head_and_the_dsl_keep_the_calendar(request, client, who, autumn):
    person = request.getfixturevalue(who)
    sign_in(client, person, verified=True)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"Autumn term 2026" in response.content
    assert client.get(ADD_TERM).status_code == 200
    assert client.get(f"/calendar/terms/{autumn.pk}/").status_code == 200
    assert any(item["url"] == PAGE for item in navigation_for(person))


@pytest.mark.parametrize("who", ["teacher", "deputy", "parent", "governor", "volunteer"])
def test_nobody_else_finds_the_calendar(request, client, who, autumn):
    person = request.getfixturevalue(who)
    sign_in(client, person, verified=True)
    assert client.get(PAGE).status_code == 404
    assert client.post(ADD_TERM, {"name": "Mine", "first_day": "2027-04-12"}).status_code == 404
    assert client.get(f"/calendar/terms/{autumn.pk}/").status_code == 404
    assert client.get(f"/calendar/terms/{autumn.pk}/delete/").status_code == 404
    assert client.post(f"/calendar/terms/{autumn.pk}/delete/").status_code == 404
    assert Term.objects.count() == 1
    assert all(item["url"] != PAGE for item in navigation_for(person))


def test_someone_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- entering terms and closures ---------------------------------------------------------------


def test_adding_a_term_is_audited_and_moves_the_clocks_at_once(client, office, autumn, spring):
    sign_in(client, office, verified=True)
    # Between the terms entered, the Christmas holidays are not school days.
    assert not school_calendar.is_school_day(date(2026, 12, 22))
    response = client.post(
        ADD_TERM,
        {"name": "Summer term 2027", "first_day": "2027-04-12", "last_day": "2027-07-21"},
    )
    assert response.status_code == 302
    term = Term.objects.get(name="Summer term 2027")
    assert LogEntry.objects.get_for_object(term).filter(actor=office).count() == 1
    # The Easter holidays now lie between two terms entered: closed.
    assert not school_calendar.is_school_day(date(2027, 4, 6))
    assert school_calendar.is_school_day(date(2027, 4, 13))


def test_a_term_with_bad_dates_is_refused_with_everything_typed_kept(client, head, autumn):
    sign_in(client, head, verified=True)
    response = client.post(
        ADD_TERM, {"name": "Spring term 2027", "first_day": "2027-03-26", "last_day": "2027-01-04"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert "The last day must be on or after the first day." in page
    assert 'value="Spring term 2027"' in page and 'value="2027-03-26"' in page
    response = client.post(ADD_TERM, {"name": "", "first_day": "not a day", "last_day": ""})
    page = response.content.decode()
    assert "Enter the name of the term" in page
    assert "Enter a real date" in page and "Enter the last day" in page
    assert 'value="not a day"' in page
    assert Term.objects.count() == 1


def test_terms_may_not_overlap(client, dsl, autumn):
    sign_in(client, dsl, verified=True)
    response = client.post(
        ADD_TERM, {"name": "Autumn again", "first_day": "2026-12-01", "last_day": "2027-01-10"}
    )
    assert "These dates overlap Autumn term 2026" in response.content.decode()
    assert Term.objects.count() == 1
    # Changing a term's own dates is no overlap with itself.
    response = client.post(
        f"/calendar/terms/{autumn.pk}/",
        {"name": "Autumn term 2026", "first_day": "2026-09-03", "last_day": "2026-12-18"},
    )
    assert response.status_code == 302
    autumn.refresh_from_db()
    assert autumn.first_day == date(2026, 9, 3)


def test_a_closure_of_one_day_closes_that_day_and_can_be_changed_and_deleted(
    client, office, autumn
):
    sign_in(client, office, verified=True)
    inset = date(2026, 11, 27)  # a Friday in term
    assert school_calendar.is_school_day(inset)
    response = client.post(
        ADD_CLOSURE, {"kind": "inset", "first_day": "2026-11-27", "reason": "Staff training"}
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.first_day, closure.last_day) == (inset, inset)
    assert not school_calendar.is_school_day(inset)
    assert "Staff training" in client.get(PAGE).content.decode()

    response = client.post(
        f"/calendar/closures/{closure.pk}/",
        {"kind": "other", "first_day": "2026-11-26", "last_day": "2026-11-27", "reason": "Snow"},
    )
    assert response.status_code == 302
    assert not school_calendar.is_school_day(date(2026, 11, 26))

    # Delete asks first (the calendar is unchanged), then the button on that page deletes.
    assert client.get(f"/calendar/closures/{closure.pk}/delete/").status_code == 200
    assert Closure.objects.exists()
    assert client.post(f"/calendar/closures/{closure.pk}/delete/").status_code == 302
    assert not Closure.objects.exists()
    assert school_calendar.is_school_day(inset)
    entries = LogEntry.objects.filter(object_pk=str(closure.pk), actor=office)
    assert entries.count() == 3  # added, changed, deleted


def test_a_closure_without_a_type_or_date_says_what_is_missing(client, office):
    sign_in(client, office, verified=True)
    response = client.post(ADD_CLOSURE, {"reason": "Polling station"})
    page = response.content.decode()
    assert "Choose the type of closure" in page and "Enter the first day" in page
    assert 'value="Polling station"' in page
    assert not Closure.objects.exists()


@pytest.fixture
def summer(db):
    return Term.objects.create(
        name="Summer term 2027", first_day=date(2027, 4, 12), last_day=date(2027, 7, 21)
    )


def test_deleting_a_term_asks_first_and_says_which_school_days_it_changes(
    client, office, autumn, spring, summer
):
    sign_in(client, office, verified=True)
    calendar = client.get(PAGE).content.decode()
    # The Delete button is a link to the question, not a form that deletes at once.
    assert f'href="/calendar/terms/{spring.pk}/delete/"' in calendar
    assert f'action="/calendar/terms/{spring.pk}/delete/"' not in calendar

    # The spring term lies between two others: without it, its days would be holidays.
    page = client.get(f"/calendar/terms/{spring.pk}/delete/").content.decode()
    assert "Delete Spring term 2027?" in page
    assert "Deleting Spring term 2027 changes the school days the safeguarding clocks count" in page
    # Good Friday, 26 March, is a bank holiday: a school day neither way.
    assert (
        "59 school days from Mon 4 Jan 2027 to Thu 25 Mar 2027 would be taken for holidays" in page
    )
    assert Term.objects.count() == 3
    assert school_calendar.is_school_day(date(2027, 2, 3))

    # The autumn term is the first: without it, the Christmas holidays would count as term time.
    page = client.get(f"/calendar/terms/{autumn.pk}/delete/").content.decode()
    assert "7 days from Mon 21 Dec 2026 to Thu 31 Dec 2026 would count as school days" in page
    assert "taken for holidays" not in page

    response = client.post(f"/calendar/terms/{spring.pk}/delete/", follow=True)
    assert "Deleted Spring term 2027 from the calendar." in response.content.decode()
    assert not Term.objects.filter(pk=spring.pk).exists()
    assert not school_calendar.is_school_day(date(2027, 2, 3))


def test_deleting_a_closure_asks_first_and_says_the_days_count_again(client, head, autumn):
    closure = Closure.objects.create(
        kind=Closure.Kind.INSET, first_day=date(2026, 11, 27), last_day=date(2026, 11, 27)
    )
    sign_in(client, head, verified=True)
    page = client.get(f"/calendar/closures/{closure.pk}/delete/").content.decode()
    assert "1 day, Fri 27 Nov 2026, would count as a school day" in page
    assert Closure.objects.exists()
    response = client.post(f"/calendar/closures/{closure.pk}/delete/", follow=True)
    assert "Deleted INSET (training) day from the calendar." in response.content.decode()
    assert not Closure.objects.exists()


def test_a_closure_on_days_the_school_is_closed_anyway_says_it_changes_nothing(client, dsl, autumn):
    closure = Closure.objects.create(
        kind=Closure.Kind.OTHER, first_day=date(2026, 11, 28), last_day=date(2026, 11, 29)
    )  # a weekend
    sign_in(client, dsl, verified=True)
    page = client.get(f"/calendar/closures/{closure.pk}/delete/").content.decode()
    assert "changes none of the school days the safeguarding clocks count" in page


def test_the_type_of_closure_offers_no_blank_choice_and_says_optional_once(client, office):
    sign_in(client, office, verified=True)
    page = client.get(ADD_CLOSURE).content.decode()
    assert page.count('name="kind"') == len(Closure.Kind.choices)
    assert 'name="kind" value=""' not in page
    assert "Select an option" not in page and "---------" not in page
    assert "(optional)" in page and "Optional." not in page
    assert "For example, staff training" in page


@pytest.mark.parametrize("kind", ["half_term", "inset", "other"])
def test_a_closure_outside_every_term_is_refused(client, office, autumn, summer, kind):
    sign_in(client, office, verified=True)
    response = client.post(
        ADD_CLOSURE, {"kind": kind, "first_day": "2027-08-02", "last_day": "2027-08-03"}
    )
    page = response.content.decode()
    label = dict(Closure.Kind.choices)[kind]
    assert 'id="error-summary"' in page
    assert (
        f"{label} from 2 August 2027 to 3 August 2027 falls outside every term entered, when the "
        "school is closed anyway. Check the dates, or add the term first."
        in page.replace("&#x27;", "'")
    )
    assert 'value="2027-08-03"' in page
    # Between two terms (the Easter holidays) too; one day within a term is enough.
    response = client.post(ADD_CLOSURE, {"kind": kind, "first_day": "2027-04-06"})
    assert "on 6 April 2027 falls outside every term entered" in response.content.decode()
    assert not Closure.objects.exists()
    response = client.post(
        ADD_CLOSURE, {"kind": kind, "first_day": "2027-04-09", "last_day": "2027-04-12"}
    )
    assert response.status_code == 302


def test_with_no_terms_entered_a_closure_on_any_day_is_kept(client, office):
    sign_in(client, office, verified=True)
    response = client.post(ADD_CLOSURE, {"kind": "half_term", "first_day": "2027-08-02"})
    assert response.status_code == 302
    assert Closure.objects.get().last_day == date(2027, 8, 2)


# --- what a school day is -------------------------------------------------------------------


def test_with_no_terms_entered_every_weekday_counts_as_term_time(db):
    assert school_calendar.is_school_day(date(2026, 8, 12))  # a Wednesday in August
    assert not school_calendar.is_school_day(date(2026, 8, 15))  # a Saturday
    assert not school_calendar.is_school_day(date(2026, 8, 16))  # a Sunday


def test_days_beyond_the_terms_entered_are_not_taken_for_holidays(autumn, spring):
    # Nobody has entered next year's terms yet: the clocks must not stop.
    assert school_calendar.is_school_day(date(2027, 9, 15))
    assert school_calendar.is_school_day(date(2026, 8, 12))
    # Between two terms entered: the holidays.
    assert not school_calendar.is_school_day(date(2026, 12, 30))


@pytest.mark.parametrize(
    ("nation", "day", "open"),
    [
        ("england-and-wales", date(2026, 12, 25), False),  # Christmas Day
        ("england-and-wales", date(2026, 11, 30), True),
        ("scotland", date(2026, 11, 30), False),  # St Andrew's Day
        ("england-and-wales", date(2027, 3, 17), True),
        ("northern-ireland", date(2027, 3, 17), False),  # St Patrick's Day
        ("england-and-wales", date(2027, 5, 3), False),  # Early May bank holiday
    ],
)
def test_the_bank_holidays_of_the_schools_nation_close_it(settings, db, nation, day, open):
    settings.SCHOOL_NATION = nation
    assert school_calendar.is_school_day(day) is open


def test_the_page_lists_the_coming_bank_holidays(client, head, settings):
    settings.SCHOOL_NATION = "scotland"
    sign_in(client, head, verified=True)
    page = client.get(PAGE).content.decode()
    assert "Coming bank holidays in Scotland" in page


# --- cheap to ask ------------------------------------------------------------------------------


def test_the_calendar_is_read_in_one_query_then_kept_until_it_changes(
    autumn, spring, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert school_calendar.is_school_day(date(2026, 11, 30))
    with django_assert_num_queries(0):
        list(school_calendar.school_days(date(2026, 9, 1), date(2027, 3, 31)))
    Closure.objects.create(
        kind=Closure.Kind.INSET, first_day=date(2026, 11, 30), last_day=date(2026, 11, 30)
    )
    with django_assert_num_queries(1):
        assert not school_calendar.is_school_day(date(2026, 11, 30))
    spring.delete()
    with django_assert_num_queries(1):
        assert school_calendar.is_school_day(date(2027, 2, 1))  # beyond the terms now
