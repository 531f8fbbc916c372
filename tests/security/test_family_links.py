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
    assert response.status_code == 400
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


# --- attack: an ended link came back with the next contacts import -----------------------------

CONTACTS = (
    "Pupil UPN,Contact forename,Contact surname,Email,Telephone,Relationship,"
    "Parental responsibility,Contact priority\n"
)


def contacts_row(child, email="parent@school.test"):
    return CONTACTS + f"{child.upn},Parent,Tester,{email},,mother,Yes,1\n"


def run_contacts(text, by=None):
    from records.importing import IMPORTERS

    return IMPORTERS["contacts"].run(text.encode(), filename="contacts.csv", by=by)


@pytest.mark.parametrize("importer", [None, "office"])
def test_an_ended_link_is_not_recreated_by_the_next_contacts_import(
    client, request, importer, office, parent, child, link
):
    """The finding: the nightly ``import_mis contacts`` (no importer) or the office's browser
    import re-created a link ended for a court order, and the portal showed the child again."""
    sign_in(client, office).post(end_url(link), {"reason": REASON})
    by = request.getfixturevalue(importer) if importer else None
    report = run_contacts(contacts_row(child), by=by)
    (row,) = report.rows
    assert row.outcome == "needs a person", str(row)
    assert "this link was ended on" in str(row) and "only the DSL can restore it" in str(row)
    assert "Court order" not in str(row)
    assert not ParentLink.objects.filter(parent=parent, student=child).exists()
    assert sign_in(client, parent).get(portal(child)).status_code == 404


def test_link_parent_refuses_an_ended_link(office, parent, child, link):
    from records import family_links

    family_links.end_link(link, by=office, reason=REASON)
    with pytest.raises(family_links.LinkWasEnded):
        family_links.link_parent(parent=parent, student=child, relationship="mother")


def test_the_same_adult_is_still_linked_to_another_child(
    client, office, parent, child, link, student_factory, oak
):
    sign_in(client, office).post(end_url(link), {"reason": REASON})
    sibling = student_factory(group=oak, first_name="Ash", last_name="Patel")
    (row,) = run_contacts(contacts_row(sibling)).rows
    # An account that already existed is linked, never reported as "created".
    assert row.outcome == "updated" and "linked the existing account" in str(row), str(row)
    assert ParentLink.objects.filter(parent=parent, student=sibling).exists()


# --- retest: an ended link came back through a new account (same adult, new email) ------------

WALSH = "paul.walsh@work.example"


def walsh_row(child, email=WALSH):
    return CONTACTS + f"{child.upn},Paul,Walsh,{email},,father,Yes,1\n"


@pytest.fixture
def walsh_ended(client, dsl, other_parent, other_child):
    """The DSL ended Paul Walsh's (``other_parent``'s) link to Ella."""
    from records import family_links

    link = ParentLink.objects.get(parent=other_parent, student=other_child)
    return family_links.end_link(link, by=dsl, reason=REASON)


def import_in_browser(client, user, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("contacts.csv", text.encode(), content_type="text/csv")
    return client.post("/records/import/contacts/", {"file": upload, "dry_run": ""})


@pytest.mark.parametrize("importer", [None, "office", "deputy", "head"])
def test_a_new_account_for_a_child_with_an_ended_link_needs_the_dsl(
    client, request, importer, other_child, walsh_ended
):
    """The finding: the office imported the same name and child with a new email; a new parent
    account was linked with parental responsibility and its portal showed the child."""
    by = request.getfixturevalue(importer) if importer else None
    (row,) = run_contacts(walsh_row(other_child), by=by).rows
    assert row.outcome == "needs a person", str(row)
    assert "a link to this child was ended by the school" in str(row)
    assert "new carers for this child are added by the DSL" in str(row)
    assert "Court order" not in str(row)
    assert not ParentLink.objects.filter(student=other_child).exists()
    # Nothing was made for the attacker to use later: no account for the new address.
    assert not type(walsh_ended.parent).objects.filter(email__iexact=WALSH).exists()


def test_an_existing_parent_account_is_not_linked_either(
    client, make_user, other_child, walsh_ended
):
    someone = make_user("walsh2", Role.PARENT)
    someone.email = WALSH
    someone.save()
    (row,) = run_contacts(walsh_row(other_child)).rows
    assert row.outcome == "needs a person", str(row)
    assert not ParentLink.objects.filter(parent=someone, student=other_child).exists()
    assert sign_in(client, someone).get(portal(other_child)).status_code == 404


def test_link_parent_refuses_a_new_adult_for_a_child_with_an_ended_link(
    make_user, office, other_child, walsh_ended
):
    from records import family_links

    newcomer = make_user("newcomer", Role.PARENT)
    with pytest.raises(family_links.ChildHasEndedLink):
        family_links.link_parent(parent=newcomer, student=other_child, by=office)
    assert not ParentLink.objects.filter(student=other_child).exists()


def test_the_dsl_verified_may_add_a_new_carer_by_running_the_import(
    client, dsl, other_child, walsh_ended
):
    sign_in(client, dsl, verified=True)
    response = import_in_browser(client, dsl, walsh_row(other_child, "ella.foster@home.example"))
    assert response.status_code == 200
    link = ParentLink.objects.get(student=other_child)
    assert link.parent.email == "ella.foster@home.example"


def test_the_dsl_without_the_second_factor_may_not(client, dsl, other_child, walsh_ended):
    sign_in(client, dsl)
    import_in_browser(client, dsl, walsh_row(other_child, "ella.foster@home.example"))
    assert not ParentLink.objects.filter(student=other_child).exists()


def test_a_restored_link_lifts_the_hold(client, dsl, other_parent, other_child, walsh_ended):
    from records import family_links

    dsl.is_verified = lambda: True
    family_links.restore_link(walsh_ended, by=dsl, reason=RESTORED)
    (row,) = run_contacts(walsh_row(other_child, "ella.foster@home.example")).rows
    assert row.outcome == "created", str(row)


def test_other_children_are_linked_as_before(client, office, child, walsh_ended):
    (row,) = run_contacts(walsh_row(child, "ella.foster@home.example"), by=office).rows
    assert row.outcome == "created", str(row)


def test_a_carer_still_linked_to_the_child_is_updated_as_before(
    office, make_user, other_child, walsh_ended
):
    grandma = make_user("grandma", Role.PARENT)
    grandma.email = "gran@home.example"
    grandma.first_name, grandma.last_name = "Gran", "Walsh"  # the MIS's name for her
    grandma.save()
    ParentLink.objects.create(parent=grandma, student=other_child, relationship="grandparent")
    text = CONTACTS + f"{other_child.upn},Gran,Walsh,gran@home.example,,grandparent,No,2\n"
    (row,) = run_contacts(text, by=office).rows
    assert row.outcome == "updated", str(row)


# --- reviewer: a separated parent on the office staff ended the other parent's link --------------


@pytest.fixture
def jo(office):
    """The office worker Jo Smith, whose own children are on roll."""
    office.first_name, office.last_name = "Jo", "Smith"
    office.save()
    return office


@pytest.fixture
def jos_parent_account(make_user, child):
    """Jo's separate parent account (staff accounts are never parents), linked to Ravi."""
    account = make_user("j.smith@home.example", Role.PARENT)
    account.email, account.first_name, account.last_name = "j.smith@home.example", "Jo", "Smith"
    account.save()
    ParentLink.objects.create(parent=account, student=child, relationship="mother")
    return account


def test_staff_may_not_end_a_link_of_a_child_of_their_own_parent_account(
    client, jo, jos_parent_account, child, link
):
    sign_in(client, jo)
    response = client.post(end_url(link), {"reason": REASON})
    assert response.status_code == 400
    text = response.content.decode()
    assert "your own parent account" in text and "another member of staff or the DSL" in text
    assert REASON.split(";")[0] in text  # what was typed is kept
    assert ParentLink.objects.filter(pk=link.pk).exists()
    assert not EndedParentLink.objects.exists()


def test_own_parent_account_found_by_mailbox_as_well_as_by_name(make_user, office, child):
    account = make_user("mum", Role.PARENT)
    account.email, account.first_name, account.last_name = "Office+Home@School.Test", "Mum", "X"
    account.save()
    ParentLink.objects.create(parent=account, student=child, relationship="mother")
    assert ParentLink.objects.is_own_child(office, child)


def test_another_member_of_staff_may_end_it(client, jo, jos_parent_account, child, link, make_user):
    colleague = make_user("office2", Role.OFFICE_STAFF)
    sign_in(client, colleague)
    assert client.post(end_url(link), {"reason": REASON}).status_code == 302
    assert not ParentLink.objects.filter(pk=link.pk).exists()


def test_a_namesake_without_a_parent_account_link_may_end_it(client, jo, child, link):
    """Only the person's *own* parent accounts count: an office worker with no child here may."""
    sign_in(client, jo)
    assert client.post(end_url(link), {"reason": REASON}).status_code == 302


# --- the DSL restores an ended link deliberately -----------------------------------------------

RESTORED = "The court order was discharged on 3 March; contact agreed with social care."


def restore_url(ended):
    return f"/records/students/{ended.student_id}/family/ended/{ended.pk}/restore/"


@pytest.fixture
def ended(office, link):
    from records import family_links

    return family_links.end_link(link, by=office, reason=REASON)


def test_the_dsl_restores_an_ended_link_after_the_second_factor(
    client, dsl, parent, child, ended, django_capture_on_commit_callbacks
):
    response = sign_in(client, dsl).get(restore_url(ended))
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    sign_in(client, dsl, verified=True)
    page = client.get(f"/records/students/{child.pk}/").content.decode()
    assert restore_url(ended) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restore_url(ended), {"reason": RESTORED})
    assert response.status_code == 302
    link = ParentLink.objects.get(parent=parent, student=child)
    assert link.relationship == "mother" and link.parental_responsibility
    ended.refresh_from_db()
    assert ended.restored_by == dsl and ended.restore_reason == RESTORED
    assert access_entries(child, how="family-link-restored").get().actor == dsl
    with connection.cursor() as cursor:
        cursor.execute("SELECT restore_reason FROM records_endedparentlink")
        (raw,) = cursor.fetchone()
    assert "court order" not in raw.lower()
    assert sign_in(client, parent).get(portal(child)).status_code == 200
    # The next import leaves the restored link alone.
    (row,) = run_contacts(contacts_row(child)).rows
    assert row.outcome in {"unchanged", "updated"}, str(row)


@pytest.mark.parametrize("persona", ["office", "deputy", "head", "teacher"])
def test_nobody_but_the_dsl_restores_a_link(client, request, persona, parent, child, ended):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.get(restore_url(ended)).status_code == 404
    assert client.post(restore_url(ended), {"reason": RESTORED}).status_code == 404
    assert not ParentLink.objects.filter(parent=parent, student=child).exists()
    if persona == "office":
        page = client.get(f"/records/students/{child.pk}/").content.decode()
        assert restore_url(ended) not in page


def test_restoring_needs_a_reason_and_keeps_what_was_typed(client, dsl, parent, child, ended):
    sign_in(client, dsl, verified=True)
    response = client.post(restore_url(ended), {"reason": "ok"})
    assert (
        response.status_code == 400 and "Say why the link is restored" in response.content.decode()
    )
    assert not ParentLink.objects.filter(parent=parent, student=child).exists()
