"""A concern must never be lost to the child it is about (P3).

1. A concern from someone yet to sign the agreement names no child: the safeguarding team links
   the child from the concern page, and the DSL's dashboard lists the concerns naming no child.
2. A value this server cannot open is never taken for "nobody": rebuilding the blind references
   keeps the rows it cannot open (and says so), and a concern about an adult whose person cannot
   be opened goes to the chair of governors alone, never to the DSL or head who may be named.
"""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from confidentiality import roles
from confidentiality.crypto.keyring import KeyRing, new_key_entry
from confidentiality.roles import Role
from safeguarding import adults, raising
from safeguarding.models import Concern, ConcernSubject
from safeguarding.models.adults import ConcernAboutAdult, handlers_for, handlers_of
from safeguarding.models.links import rebuild_references
from tests.conftest import sign_in
from tests.safeguarding.conftest import IMMEDIATE, form_data, signed


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def chair(make_user):
    chair = make_user("chair", Role.GOVERNOR, job_title="Chair of governors")
    chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return chair


@pytest.fixture
def raise_concern(db):
    """Log a concern as ``author`` naming ``students`` through the verb the form uses."""

    def make(author, students):
        data = {
            "idempotency_key": uuid.uuid4(),
            "category": "physical",
            "urgency": "routine",
            "account": "He said his dad hit him.",
            "happened_at": timezone.now(),
            "child_told": "told",
        }
        pairs = [(s, ConcernSubject.Part.SUBJECT) for s in students]
        return raising.raise_concern(author, data, pairs, [])[0]

    return make


def seal_with_a_lost_key(model, pk, name, plaintext):
    """Put a value sealed with a key no server has (‘k0’) into a row, as after a bad rotation."""
    field = model._meta.get_field(name)
    token = KeyRing(new_key_entry("k0")).seal(plaintext, field.context(model(pk=pk)))
    model._base_manager.filter(pk=pk).update(**{field.attname: token})


def copy_sealed(model, name, source_pk, target_pk):
    """A value copied from another row: the key is here, but it does not open (damaged)."""
    column = model._meta.get_field(name).attname
    value = model._base_manager.values_list(column, flat=True).get(pk=source_pk)
    model._base_manager.filter(pk=target_pk).update(**{column: value})


def raise_about(author, person, nature="allegation"):
    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": nature,
            "category": "other",
            "urgency": "routine",
            "account": "Saw him give a pupil his phone number.",
            "happened_at": timezone.now(),
            "location": "Car park",
        },
    )
    return concern


# --- 2. a value that cannot be opened is not "nobody" -------------------------------------------


def test_rebuild_keeps_the_children_of_a_concern_whose_list_cannot_be_opened(
    raise_concern, teacher, pupil
):
    concern = raise_concern(teacher, [pupil])
    seal_with_a_lost_key(Concern, concern.pk, "children", "[]")
    counts = rebuild_references()
    assert counts["skipped"] == 1
    assert list(Concern.objects.about(pupil)) == [concern]
    assert ConcernSubject.objects.filter(concern=concern).count() == 1


def test_saving_a_concern_whose_children_cannot_be_opened_keeps_its_index(
    raise_concern, teacher, pupil
):
    concern = raise_concern(teacher, [pupil])
    seal_with_a_lost_key(Concern, concern.pk, "children", "[]")
    again = Concern.objects.get(pk=concern.pk)
    assert again._index_children() is False
    assert list(Concern.objects.about(pupil)) == [concern]


def test_rebuild_keeps_the_reference_of_an_adult_whose_key_cannot_be_opened(
    teacher, other_teacher, dsl, head
):
    concern = raise_about(teacher, other_teacher)
    seal_with_a_lost_key(ConcernAboutAdult, concern.adult.pk, "person_key", str(head.pk))
    before = ConcernAboutAdult.objects.get(pk=concern.adult.pk).person_ref
    counts = rebuild_references()
    assert counts["skipped"] == 1 and counts["adults"] == 0
    assert ConcernAboutAdult.objects.get(pk=concern.adult.pk).person_ref == before != ""
    assert Concern.objects.about_adults().not_about(other_teacher).count() == 0


def test_the_command_refuses_to_run_while_values_are_on_a_missing_key(
    raise_concern, teacher, pupil
):
    concern = raise_concern(teacher, [pupil])
    seal_with_a_lost_key(Concern, concern.pk, "children", "[]")
    with pytest.raises(CommandError, match="Nothing was changed.*‘k0’"):
        call_command("rebuild_blind_references")
    assert list(Concern.objects.about(pupil)) == [concern]


def test_the_command_fails_and_counts_rows_it_could_not_open(
    raise_concern, teacher, pupil, student_factory
):
    other = raise_concern(teacher, [student_factory(first_name="Sam")])
    concern = raise_concern(teacher, [pupil])
    copy_sealed(Concern, "children", other.pk, concern.pk)  # the key is here; it does not open
    with pytest.raises(CommandError, match="1 records could not be opened"):
        call_command("rebuild_blind_references")
    assert list(Concern.objects.about(pupil)) == [concern]


def test_the_command_runs_when_everything_opens(raise_concern, teacher, pupil):
    raise_concern(teacher, [pupil])
    call_command("rebuild_blind_references")
    assert Concern.objects.about(pupil).count() == 1


def test_a_named_head_is_not_given_a_concern_whose_person_cannot_be_opened(
    teacher, dsl, head, deputy, chair
):
    concern = raise_about(teacher, head)
    assert head not in handlers_of(concern)
    seal_with_a_lost_key(ConcernAboutAdult, concern.adult.pk, "person_key", str(head.pk))
    concern = Concern.objects.select_related("adult").get(pk=concern.pk)
    assert concern.adult.person is None
    handlers = handlers_of(concern)
    assert handlers == [chair]  # fail closed: neither the DSL nor the head who may be named
    concern.escalation_level = 3
    assert handlers_of(concern) == [chair]


def test_without_a_chair_an_unopenable_person_reaches_nobody_rather_than_the_head(
    teacher, dsl, head, caplog
):
    assert handlers_for(None) == []
    assert handlers_for(None, level=2) == []
    assert "cannot open" in caplog.text


def test_grants_follow_the_closed_routing(teacher, other_teacher, dsl, head, chair):
    from safeguarding.grants import sync_adult_concern_grants

    concern = raise_about(teacher, head)
    seal_with_a_lost_key(ConcernAboutAdult, concern.adult.pk, "person_key", str(head.pk))
    sync_adult_concern_grants()
    for person in (dsl, head):
        client = sign_in(Client(), person, verified=True)
        assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404


# --- 1. a concern naming the child only in words is linked by the team ------------------------

URL = "/safeguarding/log/"


@pytest.fixture
def unlinked(client, volunteer, pupil, dsl, deputy):
    """A concern from a volunteer yet to sign the agreement: the child is named only in words."""
    from confidentiality.models.agreements import ConfidentialityAgreement

    ConfidentialityAgreement.publish("Keep what you see in class to yourself.")
    sign_in(client, volunteer, agreed=False)
    typed = form_data(pupil, **{"students-0-student": "", "child_named": "Maya, 3 Oak"})
    assert client.post(URL, typed).status_code == 302
    client.logout()
    concern = Concern.objects.get(raised_by=volunteer)
    assert concern.named_children == [] and not Concern.objects.about(pupil).exists()
    return concern


def link_url(concern):
    return f"/safeguarding/concerns/{concern.pk}/children/"


def link_data(*pairs):
    data = {
        "link-TOTAL_FORMS": str(max(2, len(pairs))),
        "link-INITIAL_FORMS": "0",
        "link-MIN_NUM_FORMS": "0",
        "link-MAX_NUM_FORMS": "1000",
    }
    for i in range(max(2, len(pairs))):
        student, part = pairs[i] if i < len(pairs) else ("", "subject")
        data[f"link-{i}-student"] = str(getattr(student, "pk", student))
        data[f"link-{i}-part"] = part
    return data


def test_the_dsl_links_the_child_and_the_concern_joins_their_chronology(
    client, unlinked, dsl, pupil
):
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{unlinked.pk}/").content.decode()
    assert "No child linked yet" in page and f'href="{link_url(unlinked)}"' in page
    step = client.get(link_url(unlinked)).content.decode()
    assert 'id="link-children"' in step
    response = client.post(link_url(unlinked), link_data((pupil, "subject")))
    assert response.status_code == 302
    assert list(Concern.objects.about(pupil)) == [unlinked]
    assert [(n.student, n.part) for n in Concern.objects.get(pk=unlinked.pk).named_children] == [
        (pupil, "subject")
    ]
    chronology = client.get(f"/safeguarding/children/{pupil.pk}/chronology/")
    assert f"Concern {unlinked.reference}" in chronology.content.decode()
    note = unlinked.notes.get()
    assert note.author == dsl and str(pupil) in note.text
    assert LogEntry.objects.filter(
        content_type__model="concernsubject", action=LogEntry.Action.CREATE
    ).exists()


def test_linking_keeps_the_children_already_named_and_refuses_one_twice(
    client, raise_concern, teacher, dsl, pupil, student_factory
):
    concern = raise_concern(teacher, [pupil])
    sister = student_factory(first_name="Amy")
    sign_in(client, dsl, verified=True)
    again = client.post(link_url(concern), link_data((pupil, "witness")))
    assert again.status_code == 400 and "Already named in this concern" in again.content.decode()
    assert client.post(link_url(concern), link_data((sister, "sibling"))).status_code == 302
    assert {(n.student, n.part) for n in Concern.objects.get(pk=concern.pk).named_children} == {
        (pupil, "subject"),
        (sister, "sibling"),
    }
    assert list(Concern.objects.about(sister)) == [concern]


def test_nothing_chosen_is_a_clear_error(client, unlinked, dsl):
    sign_in(client, dsl, verified=True)
    response = client.post(link_url(unlinked), link_data())
    assert response.status_code == 400 and "Choose at least one child." in response.content.decode()


@pytest.mark.parametrize("persona", ["teacher", "head", "volunteer", "office"])
def test_only_the_team_links_a_child(client, request, persona, unlinked, pupil):
    person = request.getfixturevalue(persona)
    sign_in(client, signed(person), verified=True)
    assert client.post(link_url(unlinked), link_data((pupil, "subject"))).status_code == 404
    assert not Concern.objects.about(pupil).exists()


def test_the_author_sees_no_link_form(client, volunteer, unlinked, pupil):
    sign_in(client, signed(volunteer))
    page = client.get(f"/safeguarding/mine/{unlinked.pk}/")
    assert page.status_code == 200 and "link-children" not in page.content.decode()
    assert client.post(link_url(unlinked), link_data((pupil, "subject"))).status_code == 404


def test_the_team_must_confirm_the_second_factor_to_link(client, unlinked, deputy, pupil):
    sign_in(client, deputy)
    response = client.post(link_url(unlinked), link_data((pupil, "subject")))
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    assert not Concern.objects.about(pupil).exists()


def test_no_child_is_linked_to_a_concern_about_an_adult(
    client, teacher, other_teacher, dsl, head, pupil
):
    concern = raise_about(teacher, other_teacher)
    sign_in(client, dsl, verified=True)
    assert (
        "link-children" not in client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    )
    assert client.post(link_url(concern), link_data((pupil, "subject"))).status_code == 404


def test_the_dashboard_lists_concerns_naming_no_child_until_linked(
    client, unlinked, dsl, pupil, raise_concern, teacher, django_assert_max_num_queries
):
    raise_concern(teacher, [pupil])
    assert list(Concern.objects.naming_no_child()) == [unlinked]
    sign_in(client, dsl, verified=True)
    page = client.get("/safeguarding/")
    section = page.content.decode().split('id="no-child-heading"')[1].split("</section>")[0]
    assert unlinked.reference in section and "(1)" in section
    client.post(link_url(unlinked), link_data((pupil, "subject")))
    section = client.get("/safeguarding/").content.decode().split('id="no-child-heading"')[1]
    assert unlinked.reference not in section.split("</section>")[0]
    assert not Concern.objects.naming_no_child().exists()


def test_the_dashboard_costs_the_same_however_many_concerns_name_no_child(
    client, dsl, volunteer, raise_concern
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, dsl, verified=True)

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/safeguarding/").status_code == 200
        return len(queries)

    raise_concern(signed(volunteer), [])
    cost()  # the first look fills the caches every look after shares
    one = cost()
    for _ in range(3):
        raise_concern(signed(volunteer), [])
    assert cost() == one


# --- retest: the author learnt which children the team linked to their concern ----------------


@pytest.fixture
def linked_later(client, raise_concern, teacher, deputy, pupil, student_factory):
    """``teacher`` raised a concern about ``pupil``; the deputy then linked a child of another
    class to it (a sibling)."""
    concern = raise_concern(teacher, [pupil])
    other = student_factory(first_name="Zara", last_name="Linked")
    sign_in(client, deputy, verified=True)
    assert client.post(link_url(concern), link_data((other, "sibling"))).status_code == 302
    client.logout()
    return concern, other


def test_the_authors_own_view_shows_only_the_children_they_named(
    client, linked_later, teacher, pupil
):
    concern, other = linked_later
    sign_in(client, teacher)
    page = client.get(f"/safeguarding/mine/{concern.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(pupil) in text and "Zara" not in text
    listing = client.get("/safeguarding/mine/").content.decode()
    assert str(pupil) in listing and "Zara" not in listing


def test_the_team_still_sees_every_child(client, linked_later, dsl, pupil):
    concern, other = linked_later
    assert {n.student for n in Concern.objects.get(pk=concern.pk).named_children} == {pupil, other}
    sign_in(client, dsl, verified=True)
    text = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert str(pupil) in text and "Zara" in text
    assert list(Concern.objects.about(other)) == [concern]


def test_a_second_link_keeps_the_first_one_marked_as_the_teams(
    client, linked_later, deputy, teacher, pupil, student_factory
):
    concern, other = linked_later
    third = student_factory(first_name="Yusuf", last_name="Later")
    Concern.objects.get(pk=concern.pk).link_children([(third, "witness")], by=deputy)
    fresh = Concern.objects.get(pk=concern.pk)
    assert [n.student for n in fresh.children_named_by_author] == [pupil]
    assert {n.student for n in fresh.named_children if n.linked_by_team} == {other, third}
    sign_in(client, teacher)
    text = client.get(f"/safeguarding/mine/{concern.pk}/").content.decode()
    assert "Zara" not in text and "Yusuf" not in text


def test_a_child_linked_to_a_concern_that_named_none_is_not_shown_to_its_author(
    client, unlinked, volunteer, dsl, pupil
):
    sign_in(client, dsl, verified=True)
    assert client.post(link_url(unlinked), link_data((pupil, "subject"))).status_code == 302
    client.logout()
    sign_in(client, volunteer)
    text = client.get(f"/safeguarding/mine/{unlinked.pk}/").content.decode()
    assert str(pupil) not in text
