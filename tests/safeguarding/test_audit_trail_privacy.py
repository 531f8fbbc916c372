"""The audit trail never tells the head teacher (not on the safeguarding team) that a child has a
concern, nor any of its history: the existence of a concern about a named child is itself
confidential (P3, P5). The team sees everything about children; a concern about an adult shows
only to the people it was routed to, and never to the adult named."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import mark_area, record_access
from records.models import FamilyNotice, ParentLink, Student
from safeguarding import adults, information_sharing
from safeguarding.models import AdviceRequest, Concern, ConcernSubject, InformationShare
from safeguarding.policy import CASEWORK, CHRONOLOGY
from safeguarding.trail import AREA
from tests.conftest import sign_in


@pytest.fixture
def history(client, raise_concern, teacher, dsl, deputy, pupil, parent):
    """A concern about Maya with casework: the DSL opened it, shared information (the parents
    were told, so a P2 notice went to their portal) and looked at her chronology; her teacher
    asked the team for advice about her."""
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    concern = raise_concern(teacher, [pupil])
    sign_in(client, dsl, verified=True)
    client.get(f"/safeguarding/concerns/{concern.pk}/")
    client.get(f"/safeguarding/children/{pupil.pk}/chronology/")
    share = InformationShare(
        concern=concern,
        student=pupil,
        agency="Children's social care",
        recipient="J. Harper",
        what_was_shared="The account and the body map.",
        lawful_basis="6_1_e",
        student_told=True,
        parents_told=True,
    )
    information_sharing.record_share(share, by=dsl)
    AdviceRequest(asked_by=teacher, student=pupil, question="Is this a worry?").save()
    client.logout()
    return concern, share


def table(response) -> str:
    page = response.content.decode()
    return page[page.index("<table") : page.index("</table>")]


def trail(client, pupil=None):
    query = {"subject": f"records.student:{pupil.pk}"} if pupil else {}
    response = client.get("/audit/", query)
    assert response.status_code == 200
    return response


def test_the_head_sees_nothing_of_a_childs_concern_in_the_trail(client, history, head, pupil):
    concern, share = history
    sign_in(client, head, verified=True)
    for response in (trail(client, pupil), trail(client)):
        page = table(response)
        assert concern.reference not in page and "Concern" not in page
        assert "Request for advice" not in page and "Information share" not in page
        assert "Information shared" not in page and "Child named in concern" not in page
        kinds = {row["entry"].content_type.app_label for row in response.context["rows"]}
        assert "safeguarding" not in kinds
        paths = [
            (row["entry"].additional_data or {}).get("path", "") for row in response.context["rows"]
        ]
        assert not any(p.startswith("/safeguarding/") for p in paths)  # not the chronology
        notices = [
            row
            for row in response.context["rows"]
            if row["entry"].content_type.model == "familynotice"
        ]
        assert notices == []  # the P2 notice says the same as the share


def test_the_head_still_sees_ordinary_looks_at_the_childs_record(
    client, history, head, teacher, pupil
):
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    sign_in(client, head, verified=True)
    rows = trail(client, pupil).context["rows"]
    assert [row["entry"].actor for row in rows if row["how"] == "view"] == [teacher]


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_safeguarding_team_sees_the_concern_history(client, request, history, persona, pupil):
    concern, share = history
    sign_in(client, request.getfixturevalue(persona), verified=True)
    page = trail(client).content.decode()
    assert f"Concern {concern.reference}" in page
    assert f"Information share {share.reference}" in page
    assert "Request for advice" in page
    assert f"Child named in concern {concern.reference}" in page
    assert "/safeguarding/children/" not in page  # paths are kept, not shown
    chronology = LogEntry.objects.filter(additional_data__path__endswith="/chronology/")
    shown = {row["entry"].pk for row in trail(client, pupil).context["rows"]}
    assert set(chronology.values_list("pk", flat=True)) <= shown


def test_labels_in_the_trail_carry_no_childs_name_or_content(history, pupil):
    concern, share = history
    safeguarding_entries = LogEntry.objects.filter(content_type__app_label="safeguarding")
    assert safeguarding_entries.exists()
    for entry in safeguarding_entries:
        assert "Maya" not in entry.object_repr and "Quinn" not in entry.object_repr
        assert "social care" not in entry.object_repr
    subject = ConcernSubject.objects.get(concern=concern)
    assert str(subject) == f"Child named in concern {concern.reference}"
    assert str(share) == f"Information share {share.reference}"


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


def test_the_head_sees_a_concern_about_an_adult_routed_to_them(
    client, teacher, other_teacher, dsl, head
):
    concern = raise_about(teacher, other_teacher)
    sign_in(client, dsl, verified=True)
    client.get(f"/safeguarding/concerns/{concern.pk}/")
    sign_in(client, head, verified=True)
    page = trail(client).content.decode()
    assert f"Concern {concern.reference}" in page
    assert f"Concern about an adult {concern.reference}" in page
    assert "Allegation" not in page  # the nature is not in the label


def test_a_concern_about_an_adult_is_hidden_from_the_deputies_it_was_not_routed_to(
    client, teacher, other_teacher, dsl, deputy, head
):
    concern = raise_about(teacher, other_teacher)
    sign_in(client, dsl, verified=True)
    client.get(f"/safeguarding/concerns/{concern.pk}/")
    sign_in(client, deputy, verified=True)
    page = trail(client).content.decode()
    assert concern.reference not in page


def test_the_dsl_named_in_a_concern_never_sees_it_in_the_trail(client, teacher, dsl, deputy, head):
    concern = raise_about(teacher, dsl)
    sign_in(client, head, verified=True)
    client.get(f"/safeguarding/concerns/{concern.pk}/")
    assert concern.reference in trail(client).content.decode()  # the head handles it
    sign_in(client, dsl, verified=True)
    assert concern.reference not in trail(client).content.decode()


def test_a_p2_notice_is_kept_with_the_share_not_as_a_records_notice(history, pupil):
    """H3: the notice lives with the share (a safeguarding record, hidden like the rest), so no
    records row links the child to it."""
    concern, share = history
    share.refresh_from_db()
    assert share.parent_notice_title.startswith("We have shared information about")
    assert not FamilyNotice.objects.information_shared().exists()


def _request_at(path, user):
    """A request from an address outside the safeguarding pages (say a future panel on the
    child's record), by someone whose second factor is confirmed."""
    request = RequestFactory().get(path)
    user.is_verified = lambda: True
    request.user = user
    return request


def _head_sees(client, head, entry) -> bool:
    sign_in(client, head, verified=True)
    return entry.pk in {row["entry"].pk for row in trail(client).context["rows"]}


def test_a_look_is_hidden_by_what_it_is_not_by_the_address_it_came_from(
    client, raise_concern, teacher, dsl, head, pupil
):
    """A concern opened, and a child opened for their chronology, from an address outside
    /safeguarding/: the head still never learns of either; an ordinary look at the same child
    from the same address stays in the head's trail."""
    concern = raise_concern(teacher, [pupil])
    elsewhere = f"/records/students/{pupil.pk}/"
    access.open_object(_request_at(elsewhere, dsl), Concern.objects.all(), CASEWORK, pk=concern.pk)
    looked = _request_at(elsewhere, dsl)
    mark_area(looked, AREA)
    access.open_object(looked, Student.objects.all(), CHRONOLOGY, blind=True, pk=pupil.pk)
    ordinary = record_access(_request_at(elsewhere, teacher), pupil)
    about_concern = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, content_type__model="concern", object_pk=str(concern.pk)
    )
    chronology = LogEntry.objects.get(action=LogEntry.Action.ACCESS, additional_data__area=AREA)
    assert chronology.additional_data["path"].startswith("/records/")
    assert not _head_sees(client, head, about_concern)
    assert not _head_sees(client, head, chronology)
    assert _head_sees(client, head, ordinary)
    sign_in(client, dsl, verified=True)
    shown = {row["entry"].pk for row in trail(client).context["rows"]}
    assert {about_concern.pk, chronology.pk, ordinary.pk} <= shown


def test_the_safeguarding_pages_mark_their_looks(history):
    """The chronology and the lists of concerns say they are safeguarding work."""
    chronology = LogEntry.objects.get(additional_data__path__endswith="/chronology/")
    assert chronology.additional_data["area"] == AREA


def test_entries_written_before_looks_carried_their_area_stay_hidden(client, dsl, head, pupil):
    """The trail is append-only and sealed, so an older look on a safeguarding page (no area in
    it) cannot be marked afterwards: it is recognised by the address it was written from."""
    old = record_access(_request_at(f"/safeguarding/children/{pupil.pk}/chronology/", dsl), pupil)
    assert "area" not in old.additional_data
    assert not _head_sees(client, head, old)
