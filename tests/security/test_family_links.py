"""Second review 2: a parent or carer's link to a child must be visible and endable.

The office could link any adult to any child with parental responsibility, and no page could
end a link afterwards. Now the office (and the safeguarding team) end a link on the child's page
with a reason: the adult loses the portal for that child at once, the ending is audited, the
reason is kept encrypted and the DSL is told without content. And when a new carer is linked,
the child's parents with responsibility are told in the portal and by a content-free email.
"""

import pytest
from auditlog.models import LogEntry
from django.db import connection

from confidentiality.roles import Role
from records.models import FamilyNotice, ParentLink
from records.models.families import EndedParentLink
from tests.conftest import sign_in
from tests.records.conftest import access_entries

REASON = "Court order: no contact with the child; entered in the MIS by mistake."


def end_url(link):
    return f"/records/students/{link.student_id}/family/{link.pk}/end/"


def portal(student):
    return f"/portal/children/{student.pk}/"


@pytest.fixture
def child(student_factory, oak, parent):
    """``parent``'s child, in 3 Oak; the parent has parental responsibility."""
    student = student_factory(group=oak, first_name="Ravi", last_name="Patel")
    ParentLink.objects.create(parent=parent, student=student, relationship="mother")
    return student


@pytest.fixture
def other_child(student_factory, oak, other_parent):
    student = student_factory(group=oak, first_name="Ella", last_name="Walsh")
    ParentLink.objects.create(parent=other_parent, student=student, relationship="father")
    return student


@pytest.fixture
def link(child, parent):
    return ParentLink.objects.get(parent=parent, student=child)


# --- the ladder -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, link):
    response = client.get(end_url(link))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(end_url(link), {"reason": REASON}).status_code == 302
    assert ParentLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("persona", ["teacher", "ta", "parent", "other_parent", "nurse", "head"])
def test_nobody_else_may_end_a_link(client, request, persona, link):
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=True)
    before = access_entries().count()
    assert client.get(end_url(link)).status_code == 404
    assert client.post(end_url(link), {"reason": REASON}).status_code == 404
    assert ParentLink.objects.filter(pk=link.pk).exists()
    assert access_entries().count() == before


def test_the_office_ends_a_link_and_the_carer_loses_the_portal_at_once(
    client, office, parent, child, link, django_capture_on_commit_callbacks
):
    assert sign_in(client, parent).get(portal(child)).status_code == 200
    photo = f"/portal/children/{child.pk}/photographs/"
    assert client.get(photo).status_code == 200

    sign_in(client, office)
    form = client.get(end_url(link))
    assert form.status_code == 200 and "End the link" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(end_url(link), {"reason": REASON})
    assert response.status_code == 302 and response["Location"].endswith("#family")
    assert not ParentLink.objects.filter(pk=link.pk).exists()

    sign_in(client, parent)
    assert client.get(portal(child)).status_code == 404
    assert client.post(photo, {"purpose": "press", "given": "yes"}).status_code == 404


def test_the_safeguarding_team_may_end_a_link_after_the_second_factor(client, dsl, link):
    response = sign_in(client, dsl).get(end_url(link))
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    sign_in(client, dsl, verified=True)
    assert client.post(end_url(link), {"reason": REASON}).status_code == 302
    assert not ParentLink.objects.filter(pk=link.pk).exists()


def test_a_link_of_another_child_is_404(client, office, link, other_child):
    sign_in(client, office)
    wrong = f"/records/students/{other_child.pk}/family/{link.pk}/end/"
    assert client.post(wrong, {"reason": REASON}).status_code == 404
    assert ParentLink.objects.filter(pk=link.pk).exists()


def test_a_reason_is_required_and_what_was_typed_is_kept(client, office, link):
    sign_in(client, office)
    response = client.post(end_url(link), {"reason": "mistake"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Say why the link is ended" in text and "mistake" in text
    assert ParentLink.objects.filter(pk=link.pk).exists()


# --- what is kept and who is told ---------------------------------------------------------------


def test_the_ending_is_audited_and_the_reason_kept_encrypted(client, office, parent, child, link):
    sign_in(client, office).post(end_url(link), {"reason": REASON})
    ended = EndedParentLink.objects.get()
    assert ended.parent == parent and ended.ended_by == office and ended.had_responsibility
    assert ended.reason == REASON
    entry = access_entries(child, how="family-link-ended").get()
    assert entry.actor == office
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM records_endedparentlink")
        (raw,) = cursor.fetchone()
    assert "Court order" not in raw
    for log in LogEntry.objects.all():
        assert "Court order" not in str(log.changes) + str(log.additional_data)


def test_the_dsl_is_told_without_content(
    client, office, dsl, deputy, parent, child, link, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(end_url(link), {"reason": REASON})
    told = [m for m in mailoutbox if "link" in m.subject]
    assert sorted(m.to[0] for m in told) == ["deputy@school.test", "dsl@school.test"]
    assert all(len(m.to) == 1 for m in told)  # one message per person
    for message in told:
        body = message.subject + message.body + message.alternatives[0][0]
        assert "Off" in body  # who ended it
        assert child.first_name not in body and child.last_name not in body
        assert parent.first_name not in body and "Court" not in body

    sign_in(client, dsl, verified=True)
    dashboard = client.get("/").content.decode()
    assert "Family links ended" in dashboard and str(child) in dashboard


def test_the_reason_shows_to_the_safeguarding_team_not_to_the_office(
    client, office, dsl, child, link
):
    sign_in(client, office).post(end_url(link), {"reason": REASON})
    page = f"/records/students/{child.pk}/"
    office_view = client.get(page).content.decode()
    assert "Links ended" in office_view and "Court order" not in office_view
    team_view = sign_in(client, dsl, verified=True).get(page).content.decode()
    assert "Court order" in team_view


def test_the_office_sees_the_end_button_a_teacher_does_not(client, office, teacher, child, link):
    page = f"/records/students/{child.pk}/"
    assert end_url(link) in sign_in(client, office).get(page).content.decode()
    assert end_url(link) not in sign_in(client, teacher).get(page).content.decode()


def test_a_carer_linked_to_other_children_keeps_them(
    client, office, parent, child, link, student_factory
):
    sibling = student_factory(first_name="Asha", last_name="Patel")
    ParentLink.objects.create(parent=parent, student=sibling, relationship="mother")
    sign_in(client, office).post(end_url(link), {"reason": REASON})
    sign_in(client, parent)
    assert client.get(portal(child)).status_code == 404
    assert client.get(portal(sibling)).status_code == 200


# --- a new carer is never silent ------------------------------------------------------------------


def test_parents_with_responsibility_are_told_when_a_new_carer_is_linked(
    client, make_user, parent, child, mailoutbox, django_capture_on_commit_callbacks
):
    from records.family_links import link_parent

    contact = make_user("grandad", Role.PARENT)
    ParentLink.objects.create(
        parent=contact, student=child, relationship="grandparent", parental_responsibility=False
    )
    newcomer = make_user("newcomer", Role.PARENT)
    with django_capture_on_commit_callbacks(execute=True):
        link_parent(parent=newcomer, student=child, relationship="father")

    notice = FamilyNotice.objects.get(kind=FamilyNotice.Kind.CARER_LINKED)
    assert "father" in notice.body and "Newcomer" not in notice.body
    assert "Another adult" in sign_in(client, parent).get(portal(child)).content.decode()
    assert list(FamilyNotice.objects.for_parent(newcomer, child)) == []
    assert list(FamilyNotice.objects.for_parent(contact, child)) == []
    assert [m.to for m in mailoutbox] == [["parent@school.test"]]
    assert child.first_name not in mailoutbox[0].body
