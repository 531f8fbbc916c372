"""P17: anyone searches the published public minutes, and only them. A word written in the
confidential minutes, a confidential item of the head teacher's report, a confidential paper's
title or a public item of minutes not yet published is never found, whoever searches; the words
of a published public item are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import HeadReportItem, Paper
from tests.conftest import sign_in

from .conftest import PDF, make_meeting

PAGE = "/governors/minutes/"
MARKER = "MARKERSEARCH90"


@pytest.fixture
def hidden_everywhere(meeting, next_meeting, clerk, report):
    """``MARKER`` in every place the public must never read (confidential minutes, a confidential
    report item, a confidential paper's title, draft and approved-but-unpublished public items),
    then ``meeting`` published."""
    meeting.add_confidential_item("Staffing", f"A grievance was heard. {MARKER}")
    HeadReportItem(
        report=report,
        number=3,
        heading="Staffing",
        text=f"A capability case. {MARKER}",
        confidential=True,
    ).save()
    Paper(
        meeting=meeting,
        title=f"Grievance papers {MARKER}",
        filename="grievance.pdf",
        content_type="application/pdf",
        size=len(PDF),
        content=PDF,
        confidential=True,
        uploaded_by=clerk,
    ).save()
    next_meeting.add_public_item("Draft item", f"Not yet approved. {MARKER}")
    approved_only = make_meeting(clerk, days_ago=60)
    approved_only.add_public_item("Approved item", f"Approved, not yet published. {MARKER}")
    approved_only.approve_minutes(at=make_meeting(clerk, days_ago=59), by=clerk)
    meeting.approve_minutes(at=next_meeting, by=clerk)
    meeting.publish_minutes(by=clerk)
    return meeting


def _search(client, words):
    response = client.get(PAGE, {"q": words})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", [None, "governor", "clerk"])
def test_the_search_finds_only_published_public_minutes(
    client, request, persona, hidden_everywhere
):
    if persona:
        sign_in(client, request.getfixturevalue(persona))
    page = _search(client, MARKER.lower())
    assert "0 items found" in page
    for words in ("grievance", "capability", "not yet approved", "not yet published"):
        assert "0 items found" in _search(client, words), words
    page = _search(client, "premium strategy")
    assert "1 item found" in page
    assert "<mark>premium</mark>" in page and "<mark>strategy</mark>" in page
    assert hidden_everywhere.held_at.strftime("%-d %B %Y") in page
    assert "Full governing body" in page
    assert MARKER not in page


def test_a_published_item_with_the_marker_is_the_only_one_found(client, clerk, hidden_everywhere):
    """The search's silence above means something: once the marker is in published public
    minutes it is found there, and only there."""
    later = make_meeting(clerk, days_ago=1)
    earlier = make_meeting(clerk, days_ago=10)
    earlier.add_public_item("Premises", f"The roof is repaired. {MARKER}")
    earlier.approve_minutes(at=later, by=clerk)
    earlier.publish_minutes(by=clerk)
    page = _search(client, MARKER)
    assert "1 item found" in page
    assert "The roof is repaired." in page
    assert "grievance" not in page.lower() and "capability" not in page.lower()


def test_what_was_typed_is_shown_as_text_never_markup(client, clerk, published):
    later = make_meeting(clerk, days_ago=1)
    earlier = make_meeting(clerk, days_ago=10)
    earlier.add_public_item("Odd", "A <script>alert(1)</script> minute.")
    earlier.approve_minutes(at=later, by=clerk)
    earlier.publish_minutes(by=clerk)
    page = _search(client, "<script>")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_an_empty_or_long_search_shows_every_published_meeting(client, published):
    assert "Pupil premium" in _search(client, "   ")
    page = _search(client, "premium " + "x" * 500)
    assert "0 items found" in page  # cut to 100 characters, every word still required


def test_the_search_takes_one_query_however_many_meetings_are_published(client, clerk):
    def publish(days_ago):
        meeting = make_meeting(clerk, days_ago=days_ago)
        meeting.add_public_item("Budget", "The budget was agreed.")
        meeting.approve_minutes(at=make_meeting(clerk, days_ago=days_ago - 1), by=clerk)
        meeting.publish_minutes(by=clerk)

    publish(50)
    with CaptureQueriesContext(connection) as one:
        assert "1 item found" in _search(client, "budget")
    for days_ago in (40, 30, 20):
        publish(days_ago)
    with CaptureQueriesContext(connection) as four:
        assert "4 items found" in _search(client, "budget")
    assert len(four) == len(one)
    searches = [q for q in four.captured_queries if "governance_publicminuteitem" in q["sql"]]
    assert len(searches) == 1


def test_the_newest_meeting_comes_first(client, clerk):
    for days_ago in (60, 30):
        meeting = make_meeting(clerk, days_ago=days_ago)
        meeting.add_public_item("Budget", f"Budget of {days_ago}.")
        meeting.approve_minutes(at=make_meeting(clerk, days_ago=days_ago - 1), by=clerk)
        meeting.publish_minutes(by=clerk)
    page = _search(client, "budget")
    assert page.index("</mark> of 30.") < page.index("</mark> of 60.")
    assert (timezone.now() - timedelta(days=30)).strftime("%-d %B %Y") in page
