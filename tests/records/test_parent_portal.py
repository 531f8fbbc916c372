"""P12, P13: a parent sees their own child — grades, progress, work — and never another child,
by any link, id, file URL or search. Every opening is audited once."""

import uuid

import pytest

from records.models import DiscussionPermission, ParentLink, PhotoConsent
from tests.conftest import sign_in

from .conftest import access_entries, has_signed


def child_url(student):
    return f"/portal/children/{student.pk}/"


# --- the ladder for the child's page --------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, child):
    for url in ("/portal/", child_url(child)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_parent_sees_their_childs_grades_progress_and_work(client, parent, child, learning):
    grade, note, work = learning
    response = sign_in(client, parent).get(child_url(child))
    page = response.content.decode()
    assert response.status_code == 200
    assert "27/30 for Ravi" in page
    assert "Ravi reads fluently." in page
    assert f"/portal/work/{work.pk}/" in page
    assert access_entries(child, how="view").count() == 1


def test_each_visit_is_audited_exactly_once(client, parent, child, learning):
    sign_in(client, parent)
    client.get(child_url(child))
    client.get(child_url(child))
    entries = access_entries()
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {parent.pk}
    assert all(e.additional_data["subject"] == f"records.student:{child.pk}" for e in entries)


def test_a_parent_never_sees_another_child(client, parent, child, other_child, other_learning):
    sign_in(client, parent)
    assert client.get(child_url(other_child)).status_code == 404
    home = client.get("/portal/").content.decode()
    assert "Ravi" in home and "Ella" not in home
    assert not access_entries(other_child).exists()


@pytest.mark.parametrize(
    "persona", ["teacher", "dsl", "head", "office", "nurse", "governor", "volunteer"]
)
def test_staff_and_others_get_404_in_the_portal(client, request, persona, child, learning):
    user = has_signed(request.getfixturevalue(persona))
    sign_in(client, user, verified=persona in {"dsl", "head"})
    assert client.get("/portal/").status_code == 404
    assert client.get(child_url(child)).status_code == 404
    assert client.get(f"/portal/work/{learning[2].pk}/").status_code == 404
    assert not access_entries().exists()


def test_a_parent_gets_404_on_every_staff_page(client, parent, child, learning, oak):
    sign_in(client, parent)
    grade, note, work = learning
    for url in (
        "/records/students/",
        f"/records/students/{child.pk}/",
        f"/records/students/{child.pk}/grades/new/",
        f"/records/students/{child.pk}/work/new/",
        f"/records/work/{work.pk}/download/",
        "/records/meetings/",
        f"/records/classes/{oak.pk}/photographs/",
        f"/records/students/{child.pk}/messages/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert not access_entries().exists()


def test_an_unlinked_parent_sees_no_children(client, make_user, child):
    from confidentiality.roles import Role

    stranger = make_user("stranger", Role.PARENT)
    sign_in(client, stranger)
    page = client.get("/portal/").content.decode()
    assert "No child is linked" in page
    assert client.get(child_url(child)).status_code == 404


def test_the_link_ending_ends_the_access(client, parent, child):
    sign_in(client, parent)
    assert client.get(child_url(child)).status_code == 200
    ParentLink.objects.filter(parent=parent, student=child).delete()
    parent.__dict__.pop("_object_permissions", None)
    assert client.get(child_url(child)).status_code == 404


# --- enumeration (P13) ----------------------------------------------------------------------------


def test_enumerating_ids_yields_nothing(
    client, parent, child, learning, other_child, other_learning, teacher, oak
):
    """Every portal URL that takes an id, tried with every id of the other child's objects and
    with made-up ones: all 404, nothing audited, nothing of the other child on any page."""
    grade, note, work = other_learning
    consent = PhotoConsent.objects.create(student=other_child, purpose="website", given=True)
    permission = DiscussionPermission(
        student=other_child, teaching_group=oak, topic="Ella's bereavement", requested_by=teacher
    )
    permission.save()
    ids = [other_child.pk, grade.pk, note.pk, work.pk, consent.pk, permission.pk, uuid.uuid4()]
    patterns = [
        "/portal/children/{}/",
        "/portal/children/{}/photographs/",
        "/portal/children/{}/ask-to-meet/",
        "/portal/permissions/{}/",
        "/portal/work/{}/",
    ]
    sign_in(client, parent)
    for pattern in patterns:
        for pk in ids:
            url = pattern.format(pk)
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"purpose": "website", "given": "no"}).status_code == 404
    assert not access_entries().exists()
    consent.refresh_from_db()
    assert consent.given is True  # the POSTs changed nothing
    own = client.get(child_url(child)).content.decode()
    assert "Ella" not in own and "Other child's poem" not in own


def test_search_parameters_do_not_widen_the_list(client, parent, child, other_child):
    sign_in(client, parent)
    page = client.get("/portal/", {"q": "Ella", "student": str(other_child.pk)}).content.decode()
    assert "Ella" not in page


# --- downloads ------------------------------------------------------------------------------------


def test_a_parent_downloads_their_childs_work_audited_as_a_download(
    client, parent, child, learning
):
    work = learning[2]
    response = sign_in(client, parent).get(f"/portal/work/{work.pk}/")
    assert response.status_code == 200
    assert response.getvalue().startswith(b"\x89PNG")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="Volcano diagram.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entries = access_entries(work)
    assert entries.count() == 1
    assert entries.get().additional_data["how"] == "download"
    assert entries.get().additional_data["subject"] == f"records.student:{child.pk}"


def test_a_parent_cannot_download_another_childs_work(client, parent, child, other_learning):
    work = other_learning[2]
    assert sign_in(client, parent).get(f"/portal/work/{work.pk}/").status_code == 404
    assert not access_entries(work).exists()


# --- navigation and dashboard ---------------------------------------------------------------------


def test_parents_have_my_children_in_the_menu_and_a_dashboard_panel(
    client, parent, child, other_child
):
    page = sign_in(client, parent).get("/").content.decode()
    assert "My children" in page
    assert f"/portal/children/{child.pk}/" in page
    assert str(other_child.pk) not in page
    assert "/records/students/" not in page


def test_staff_do_not_have_my_children_in_the_menu(client, teacher, oak):
    page = sign_in(client, teacher).get("/").content.decode()
    assert 'href="/portal/"' not in page
