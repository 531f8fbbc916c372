"""A child's safeguarding profile (issue 11): statuses with dates, the adults and agencies
involved, the household; the team's flag on the student record; the offer to update a status
when children's social care's outcome is recorded. The team's alone: to everyone else every page
is a 404 and no page or count carries a trace of a flag, for every role."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from confidentiality.audit import subject_key
from confidentiality.models import User
from records.models import Student
from safeguarding.models import (
    CaseMeeting,
    KeyContact,
    Referral,
    SafeguardingStatus,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo_school")

OUTSIDE_THE_TEAM = (
    "teacher",
    "teacher2",
    "ta",
    "office",
    "head",
    "volunteer",
    "nurse",
    "governor",
    "clerk",
    "parent",
)
# What would give a flag away on a page: its words, its class, its links.
TRACES = ("record-flag", "Safeguarding:", "/profile/", "/chronology/", "protection plan")


def _person(username):
    return User.objects.get(username=username)


def _team(client, username="dsl"):
    return sign_in(client, _person(username), verified=True)


def _child_on_a_plan():
    """The demo's child on a child protection plan."""
    return CaseMeeting.objects.first().student


def _oak_child():
    return Student.objects.filter(teaching_groups__name="3 Oak").order_by("last_name").first()


def _put_on_a_plan(child, dsl):
    return SafeguardingStatus.objects.create(
        student=child,
        kind="cp_plan",
        plan_category="neglect",
        started_on=timezone.localdate() - timedelta(days=10),
        recorded_by=dsl,
    )


def _urls(child):
    status = SafeguardingStatus.objects.about(child).current().first()
    contact = KeyContact.objects.about(child).first()
    meeting = CaseMeeting.objects.about(child).first()
    pages = [
        reverse("safeguarding:profile", args=[child.pk]),
        reverse("safeguarding:add_status", args=[child.pk]),
        reverse("safeguarding:add_contact", args=[child.pk]),
        reverse("safeguarding:add_meeting", args=[child.pk]),
    ]
    if meeting:
        pages.append(reverse("safeguarding:meeting", args=[child.pk, meeting.pk]))
    posts = []
    if status:
        posts.append(reverse("safeguarding:end_status", args=[child.pk, status.pk]))
    if contact:
        posts.append(reverse("safeguarding:end_contact", args=[child.pk, contact.pk]))
    return pages, posts


# --- the team -----------------------------------------------------------------------------------


def test_the_team_reads_statuses_agencies_household_and_meetings(client):
    child = _child_on_a_plan()
    _team(client)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    page = client.get(reverse("safeguarding:profile", args=[child.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Child protection plan (emotional abuse)" in text
    assert "Priya Nair" in text and "01632 960123" in text  # the social worker, how to reach
    assert "PC Dan Cole" in text and "Helen Ward" in text  # police contact, school nurse
    assert "Initial child protection conference" in text
    assert "Review child protection conference" in text
    assert "Operation Encompass" in text
    # The child in need status that ended when the plan began is history, not current.
    assert "Earlier statuses" in text and "Child in need" in text
    # One look, audited as safeguarding work, naming the child by reference only.
    looks = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk")
    assert looks.count() == before + 1
    look = looks.first()
    assert look.additional_data["area"] == "safeguarding"
    assert look.additional_data["subject"] == subject_key(child, blind=True)
    assert str(child.pk) not in str(look.additional_data["subject"])


def test_the_household_lists_the_children_sharing_a_parent_or_carer(client):
    parent = _person("parent")
    children = list(Student.objects.filter(parent_links__parent=parent).order_by("last_name"))
    assert len(children) == 2
    _team(client)
    text = client.get(reverse("safeguarding:profile", args=[children[0].pk])).content.decode()
    assert str(children[1]) in text and parent.get_full_name() in text
    assert reverse("safeguarding:profile", args=[children[1].pk]) in text


def test_the_team_sees_the_flag_on_the_record_with_links_to_profile_and_chronology(client):
    child = _child_on_a_plan()
    _team(client, "deputy")
    text = client.get(reverse("records:student_detail", args=[child.pk])).content.decode()
    assert "Safeguarding: on a child protection plan (emotional abuse) since" in text
    # The referral to children's social care still waiting for its outcome is said too.
    assert "referral to children&#x27;s social care" in text and "awaiting its outcome" in text
    assert reverse("safeguarding:profile", args=[child.pk]) in text
    assert reverse("safeguarding:chronology", args=[child.pk]) in text


def test_recording_a_status_then_ending_it(client):
    child = _oak_child()
    _team(client)
    url = reverse("safeguarding:add_status", args=[child.pk])
    today = timezone.localdate()
    response = client.post(
        url, {"kind": "cin", "started_on": (today - timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 302
    status = SafeguardingStatus.objects.about(child).get()
    assert status.kind == "cin" and status.recorded_by.username == "dsl"
    # The message waiting for the next page sits in the session's table: it never names the
    # child beside their status.
    from django.contrib.sessions.models import Session

    from confidentiality.sessions import SessionStore

    stored = Session.objects.get(session_key=client.session.session_key).session_data
    waiting = SessionStore().decode(stored)
    assert "Child in need recorded." in str(waiting) and child.last_name not in str(waiting)
    end = reverse("safeguarding:end_status", args=[child.pk, status.pk])
    assert client.post(end, {f"end-{status.pk}-ended_on": today.isoformat()}).status_code == 302
    status.refresh_from_db()
    assert status.ended_on == today
    assert not SafeguardingStatus.objects.about(child).current().exists()
    # Ending it again: it is no longer current, so there is nothing to end.
    assert client.post(end, {f"end-{status.pk}-ended_on": today.isoformat()}).status_code == 404


def test_a_plan_needs_its_category_and_an_error_shows_at_the_top_linking_to_the_field(client):
    child = _oak_child()
    _team(client)
    response = client.post(
        reverse("safeguarding:add_status", args=[child.pk]),
        {"kind": "cp_plan", "started_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="alert error-summary"' in text
    assert 'href="#id_plan_category"' in text
    assert "Choose the category of the child protection plan." in text
    assert not SafeguardingStatus.objects.about(child).exists()


def test_a_key_contact_needs_a_way_to_reach_them(client):
    child = _oak_child()
    _team(client)
    url = reverse("safeguarding:add_contact", args=[child.pk])
    response = client.post(url, {"role": "social_worker", "name": "Sam Hill"})
    assert response.status_code == 400 and not KeyContact.objects.about(child).exists()
    response = client.post(
        url, {"role": "social_worker", "name": "Sam Hill", "phone": "01632 960000"}
    )
    assert response.status_code == 302
    contact = KeyContact.objects.about(child).get()
    assert contact.name == "Sam Hill" and contact.phone == "01632 960000"
    client.post(reverse("safeguarding:end_contact", args=[child.pk, contact.pk]))
    contact.refresh_from_db()
    assert contact.ended_on == timezone.localdate()


def test_a_referral_outcome_from_childrens_social_care_offers_to_update_the_status(client):
    referral = Referral.objects.filter(
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE, outcome_at__isnull=True
    ).first()
    concern = referral.concern
    subject = next(n.student for n in concern.named_children if n.part == "subject")
    _team(client)
    url = reverse("safeguarding:update_referral", args=[concern.pk, referral.pk])
    response = client.post(
        url, {f"ref-{referral.pk}-outcome": "Accepted: child in need assessment."}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Update the child's safeguarding status" in text
    assert reverse("safeguarding:add_status", args=[subject.pk]) in text
    # Another agency's outcome offers nothing.
    early_help = Referral.objects.filter(concern=concern, agency="early_help").first()
    url = reverse("safeguarding:update_referral", args=[concern.pk, early_help.pk])
    response = client.post(url, {f"ref-{early_help.pk}-outcome": "Worker allocated."}, follow=True)
    assert "Update the child's safeguarding status" not in response.content.decode()


# --- everyone else ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", OUTSIDE_THE_TEAM)
def test_the_profile_is_invisible_outside_the_team(client, username):
    """404 on every profile and meeting page, whether or not the child has a profile (the same
    answer for every child), nothing recorded by a POST, and no trace of a flag on the child's
    record or the first page after signing in."""
    person = _person(username)
    flagged = _oak_child()  # a child the class teacher, the TA, the office and the head open
    _put_on_a_plan(flagged, _person("dsl"))
    on_a_plan = _child_on_a_plan()
    sign_in(client, person, verified=True)
    for child in (flagged, on_a_plan, Student.objects.exclude(pk=flagged.pk).last()):
        pages, posts = _urls(child)
        for url in pages:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"kind": "cin", "name": "X", "phone": "1"}).status_code == 404
        for url in posts:
            assert client.post(url, {}).status_code == 404, url
    assert SafeguardingStatus.objects.about(flagged).count() == 1
    assert not KeyContact.objects.about(flagged).exists()
    for child in (flagged, on_a_plan):
        record = client.get(reverse("records:student_detail", args=[child.pk]))
        assert record.status_code in (200, 404)
        for trace in TRACES:
            assert trace not in record.content.decode(), (username, trace)
    home = client.get("/")
    assert home.status_code in (200, 302)
    if home.status_code == 200:
        for trace in ("record-flag", "/profile/", "protection plan"):
            assert trace not in home.content.decode(), (username, trace)


def test_the_record_shows_no_flag_to_those_who_open_the_child(client):
    """The other side of the test above: these people really do open the flagged child's
    record (so the absence of a flag is not just a 404)."""
    flagged = _oak_child()
    _put_on_a_plan(flagged, _person("dsl"))
    for username in ("teacher", "ta", "office", "head"):
        client.logout()
        sign_in(client, _person(username), verified=True)
        record = client.get(reverse("records:student_detail", args=[flagged.pk]))
        assert record.status_code == 200, username
        for trace in TRACES:
            assert trace not in record.content.decode(), (username, trace)


def test_an_unverified_dsl_is_sent_to_verify_before_the_child_is_looked_up(client):
    child = _child_on_a_plan()
    sign_in(client, _person("dsl"), verified=False)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    pages, _ = _urls(child)
    for url in [*pages, reverse("records:student_detail", args=[child.pk])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/verify/"), url
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before


def test_the_flag_source_says_nothing_to_an_unverified_member_of_the_team():
    """Outside a request nobody counts as verified: the flag fails closed."""
    from safeguarding.profile import student_flag

    assert student_flag(_child_on_a_plan(), _person("dsl")) == []
    assert student_flag(_child_on_a_plan(), _person("head")) == []


# --- a copy of the database ---------------------------------------------------------------------


def test_a_database_copy_cannot_join_a_status_contact_or_meeting_to_the_child():
    child = _child_on_a_plan()
    marks = {str(child.pk), child.pk.hex, child.upn, child.first_name + " " + child.last_name}
    refs = set()
    for model in (SafeguardingStatus, KeyContact, CaseMeeting):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            relations = connection.introspection.get_relations(cursor, table)
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = cursor.fetchall()
        assert Student._meta.db_table not in {relation[1] for relation in relations.values()}
        dump = " ".join(str(value) for row in rows for value in row)
        assert rows and not any(mark in dump for mark in marks)
        refs.add(model.objects.about(child).values_list("student_ref", flat=True)[0])
    # The same child has unrelated references in each table: no join across them either.
    assert len(refs) == 3


def test_a_long_wait_for_outcomes_is_said_once_on_the_flag():
    """One or two referrals waiting are each said; more are counted, with the first and the
    latest dates, not a phrase per referral at the top of the child's record."""
    from datetime import date

    from safeguarding.profile import summary

    class Waiting:
        def __init__(self, day):
            self.made_at, self.created_at = None, date(2026, 3, day)

    one = summary([], [Waiting(3)])
    assert one == "referral to children's social care made 3 Mar 2026, awaiting its outcome"
    many = summary([], [Waiting(9), Waiting(20), Waiting(3)])
    assert many == (
        "3 referrals to children's social care awaiting their outcome, "
        "the first made 3 Mar 2026, the latest 20 Mar 2026"
    )
