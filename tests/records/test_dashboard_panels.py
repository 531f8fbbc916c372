"""The records' dashboard panels that name pupils or people are left out for the safeguarding
team and the head teacher until their second factor is confirmed, as the pages behind them are;
once verified, they show (issue 10). The requests-to-talk panel is tested with its pages
(``test_talk_requests``)."""

from types import SimpleNamespace

import pytest

from records import family_links
from records.importing.access_report import report_grants
from records.importing.runner import Grant
from records.models import ParentLink
from tests.conftest import sign_in


@pytest.fixture
def ended_link(office, parent, child):
    link = ParentLink.objects.get(parent=parent, student=child)
    return family_links.end_link(link, by=office, reason="Entered in the MIS by mistake.")


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_ended_family_links_name_the_child_only_to_a_verified_team_member(
    client, request, persona, ended_link
):
    person = request.getfixturevalue(persona)
    text = sign_in(client, person).get("/").content.decode()
    assert "Family links ended" not in text and "Ravi Patel" not in text
    text = sign_in(client, person, verified=True).get("/").content.decode()
    assert "Family links ended" in text and "Ravi Patel" in text


def test_ended_family_links_are_not_for_the_office_who_ends_them(client, office, ended_link):
    assert "Family links ended" not in sign_in(client, office).get("/").content.decode()


@pytest.fixture
def import_grant(db, office, parent, child):
    grant = Grant(1, f"{parent.get_full_name()} linked to a child as mother", parent, child)
    report_grants(SimpleNamespace(by=office, grants=[grant], kind="contacts"))


@pytest.mark.parametrize("persona", ["dsl", "head"])
def test_access_given_by_imports_shows_only_to_a_verified_dsl_or_head(
    client, request, persona, parent, import_grant
):
    person = request.getfixturevalue(persona)
    text = sign_in(client, person).get("/").content.decode()
    assert "Access given by imports" not in text and parent.get_full_name() not in text
    text = sign_in(client, person, verified=True).get("/").content.decode()
    assert "Access given by imports" in text and parent.get_full_name() in text


@pytest.mark.parametrize("persona", ["deputy", "office", "teacher"])
def test_access_given_by_imports_is_for_nobody_else(client, request, persona, import_grant):
    text = sign_in(client, request.getfixturevalue(persona), verified=True).get("/")
    assert "Access given by imports" not in text.content.decode()
