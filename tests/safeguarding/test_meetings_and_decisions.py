"""Meetings and decisions in the chronology (issue 11): strategy discussions, conferences, core
groups and TAF meetings with who attended, what was decided and the next date; a decision not to
refer with its reasons (KCSIE); the team's own notes. Every kind merged by date in the child's
chronology, each entry linking to its source; the print view and the PDF still work."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import User
from records.models import Student
from safeguarding import chronology
from safeguarding.models import CaseMeeting, CaseNote, Concern, DecisionNotToRefer
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo_school")


def _team(client):
    return sign_in(client, User.objects.get(username="dsl"), verified=True)


def _concern_with_child():
    """An open concern with no decision not to refer, and its child, who has no
    meeting yet."""
    concerns = Concern.objects.about_children().open()
    for concern in concerns.filter(decisions_not_to_refer__isnull=True):
        child = concern.named_children[0].student
        if not CaseMeeting.objects.about(child).exists():
            return concern, child
    raise AssertionError("the demo school has no such concern")


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_demo_has_a_plan_agencies_two_conferences_and_a_decision_not_to_refer():
    meetings = CaseMeeting.objects.all()
    child = meetings.first().student
    kinds = set(CaseMeeting.objects.about(child).values_list("kind", flat=True))
    assert {"strategy", "icpc", "rcpc", "core_group"} <= kinds
    decision = DecisionNotToRefer.objects.get()
    assert decision.reasoning and decision.concern.decisions_not_to_refer.count() == 1


def test_the_team_records_a_meeting_and_it_joins_the_chronology_linking_to_its_page(client):
    concern, child = _concern_with_child()
    _team(client)
    held = timezone.now() - timedelta(days=1)
    response = client.post(
        reverse("safeguarding:add_meeting", args=[child.pk]),
        {
            "kind": "strategy",
            "held_at": _local(held),
            "concern": str(concern.pk),
            "attendees": "Sam Hill (social worker); DC Rae (police); Dana Shah (DSL)",
            "discussion": "Threshold for section 47 met.",
            "decisions": "Section 47 enquiry; joint visit tomorrow.",
            "next_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    meeting = CaseMeeting.objects.about(child).get(kind="strategy")
    assert response["Location"] == reverse("safeguarding:meeting", args=[child.pk, meeting.pk])
    assert meeting.concern == concern and meeting.recorded_by.username == "dsl"
    page = client.get(response["Location"]).content.decode()
    assert "Section 47 enquiry; joint visit tomorrow." in page and "DC Rae (police)" in page
    entries = [e for e in chronology.entries_for(child) if e.kind == "case_meeting"]
    assert [e.title for e in entries] == ["Strategy discussion"]
    assert entries[0].link == response["Location"]
    assert "Next meeting:" in entries[0].detail
    text = client.get(reverse("safeguarding:chronology", args=[child.pk])).content.decode()
    assert f'href="{response["Location"]}"' in text


def test_a_meeting_needs_attendees_and_decisions_and_a_next_date_after_it(client):
    _concern, child = _concern_with_child()
    _team(client)
    response = client.post(
        reverse("safeguarding:add_meeting", args=[child.pk]),
        {
            "kind": "core_group",
            "held_at": _local(timezone.now() - timedelta(days=2)),
            "next_on": (timezone.localdate() - timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#id_attendees"' in text and 'href="#id_decisions"' in text
    assert "The next meeting is before this one." in text
    assert not CaseMeeting.objects.about(child).exists()


def test_a_meeting_is_found_only_through_its_own_child(client):
    meeting = CaseMeeting.objects.first()
    other = Student.objects.exclude(pk=meeting.student.pk).first()
    _team(client)
    looks = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    before = looks.count()
    assert (
        client.get(reverse("safeguarding:meeting", args=[other.pk, meeting.pk])).status_code == 404
    )
    assert looks.count() == before  # no look at the wrong child is recorded (nor made)
    ok = client.get(reverse("safeguarding:meeting", args=[meeting.student.pk, meeting.pk]))
    assert ok.status_code == 200


def test_a_decision_not_to_refer_needs_its_reasons_and_joins_the_chronology(client):
    concern, child = _concern_with_child()
    _team(client)
    url = reverse("safeguarding:decisions_not_to_refer", args=[concern.pk])
    today = timezone.localdate().isoformat()
    response = client.post(url, {"agency": "csc", "decided_on": today, "reasoning": "  "})
    assert response.status_code == 400
    assert 'href="#id_reasoning"' in response.content.decode()
    assert not concern.decisions_not_to_refer.exists()
    response = client.post(
        url,
        {
            "agency": "csc",
            "decided_on": today,
            "reasoning": "Parents protective; no disclosure; early help offered instead.",
        },
    )
    decision = concern.decisions_not_to_refer.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url}#decision-{decision.pk}"
    assert decision.decided_by.username == "dsl"
    page = client.get(url).content.decode()
    assert f'id="decision-{decision.pk}"' in page and "early help offered instead" in page
    entry = next(e for e in chronology.entries_for(child) if e.kind == "decision")
    assert entry.title == "Decision not to refer to children's social care"
    assert "Reasons: Parents protective" in entry.detail
    assert entry.link == f"{url}#decision-{decision.pk}"


def test_the_chronology_includes_the_teams_notes_each_linking_back_to_the_concern(client):
    concern, child = _concern_with_child()
    dsl = User.objects.get(username="dsl")
    CaseNote(concern=concern, author=dsl, text="Rang the social worker: visit booked.").save()
    notes = [e for e in chronology.entries_for(child) if e.kind == "note"]
    assert "Rang the social worker: visit booked." in [e.detail for e in notes]
    concern_page = reverse("safeguarding:concern", args=[concern.pk])
    assert all(e.link == f"{concern_page}#notes" for e in notes)
    _team(client)
    text = client.get(reverse("safeguarding:chronology", args=[child.pk])).content.decode()
    assert "Rang the social worker: visit booked." in text
    assert f'href="{concern_page}#notes"' in text
    assert f'href="{concern_page}"' in text  # the concern itself links to its page


def test_every_entry_links_to_its_source_and_all_kinds_merge_by_date():
    child = CaseMeeting.objects.first().student
    entries = chronology.entries_for(child)
    kinds = {e.kind for e in entries}
    assert {"concern", "referral", "case_meeting", "status"} <= kinds
    began = next(e for e in entries if e.title == "Child protection plan (emotional abuse) began")
    assert began.link.startswith(reverse("safeguarding:profile", args=[child.pk]) + "#status-")
    assert all(e.link for e in entries), [e.title for e in entries if not e.link]
    moments = [e.when for e in entries]
    assert moments == sorted(moments)
    # The status and the meetings of months before the concern come first: merged by date, not
    # grouped by kind.
    assert [e.kind for e in entries[:2]] == ["status", "case_meeting"]
    assert entries[-1].kind != "case_meeting"
    assert "note" in dict(chronology.Kind.CHOICES) and "decision" in dict(chronology.Kind.CHOICES)


def test_filtering_the_chronology_by_meetings_and_the_print_and_pdf_still_work(client):
    child = CaseMeeting.objects.first().student
    _team(client)
    url = reverse("safeguarding:chronology", args=[child.pk])
    text = client.get(url, {"kind": "case_meeting"}).content.decode()
    assert "Initial child protection conference" in text and "Operation Encompass" not in text
    printed = client.get(reverse("safeguarding:chronology_print", args=[child.pk]))
    assert printed.status_code == 200
    assert "Review child protection conference" in printed.content.decode()
    pdf = client.get(reverse("safeguarding:chronology_pdf", args=[child.pk]), {"kind": "decision"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")


@pytest.mark.parametrize("username", ["teacher", "ta", "office", "head", "governor", "parent"])
def test_meetings_and_decisions_are_refused_outside_the_team(client, username):
    meeting = CaseMeeting.objects.first()
    decision = DecisionNotToRefer.objects.first()
    sign_in(client, User.objects.get(username=username), verified=True)
    for url in (
        reverse("safeguarding:meeting", args=[meeting.student.pk, meeting.pk]),
        reverse("safeguarding:add_meeting", args=[meeting.student.pk]),
        reverse("safeguarding:decisions_not_to_refer", args=[decision.concern_id]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"agency": "csc", "reasoning": "x"}).status_code == 404, url
    assert DecisionNotToRefer.objects.count() == 1


def test_the_concern_page_leads_to_recording_a_decision_not_to_refer(client):
    concern, _child = _concern_with_child()
    _team(client)
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert reverse("safeguarding:decisions_not_to_refer", args=[concern.pk]) in page
