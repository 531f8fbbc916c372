"""A teacher viewing a class (P5): the class's staff and those who hold every child's everyday
record see the class's pupils, each a link to their record, in a fixed number of queries; other
classes' teachers, volunteers placed in the class and parents get 404."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.models import TeachingGroup
from tests.conftest import sign_in

from .conftest import access_entries


def url(group):
    return f"/records/classes/{group.pk}/"


def test_the_class_teacher_sees_the_pupils_with_links(client, teacher, oak, pupil):
    response = sign_in(client, teacher).get(url(oak))
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/records/students/{pupil.pk}/"' in text and "Quinn, Maya" in text
    assert f'href="/records/classes/{oak.pk}/photographs/"' in text
    assert access_entries(oak).filter(actor=teacher).count() == 1
    # The page names pupils; it opens none of their records.
    assert not access_entries(pupil).exists()


def test_anonymous_is_sent_to_sign_in(client, oak):
    response = client.get(url(oak))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["other_teacher", "parent", "volunteer", "nurse", "governor"])
def test_others_get_404(client, request, persona, oak, pupil):
    user = request.getfixturevalue(persona)
    if persona == "volunteer":
        oak.staff.add(user)  # placed in the class, yet sees no record (P11)
    assert sign_in(client, user).get(url(oak)).status_code == 404
    assert not access_entries().exists()


def test_another_classs_teacher_gets_404_for_this_class_only(client, other_teacher, oak, pupil):
    elm = TeachingGroup.objects.create(name="4 Elm", year_group=4)
    elm.staff.add(other_teacher)
    sign_in(client, other_teacher)
    assert client.get(url(oak)).status_code == 404
    assert client.get(url(elm)).status_code == 200
    assert client.get("/records/classes/999999/").status_code == 404


def test_the_office_and_the_safeguarding_team_may_open_any_class(client, office, dsl, oak, pupil):
    assert "Quinn, Maya" in sign_in(client, office).get(url(oak)).content.decode()
    assert sign_in(client, dsl).get(url(oak)).status_code == 302  # second factor first
    assert "Quinn, Maya" in sign_in(client, dsl, verified=True).get(url(oak)).content.decode()


def test_the_class_page_runs_a_fixed_number_of_queries(
    client, teacher, oak, student_factory, django_assert_num_queries
):
    student_factory(group=oak)
    sign_in(client, teacher)
    client.get(url(oak))  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(url(oak))
    for _ in range(15):
        student_factory(group=oak)
    with django_assert_num_queries(len(few)):
        response = client.get(url(oak))
    links = re.findall(r'href="/records/students/[0-9a-f-]{36}/"', response.content.decode())
    assert len(links) == 16


def test_the_dashboard_links_each_class_to_its_page(client, teacher, volunteer, oak):
    text = sign_in(client, teacher).get("/").content.decode()
    assert f'href="/records/classes/{oak.pk}/"' in text
    oak.staff.add(volunteer)
    assert (
        f'href="/records/classes/{oak.pk}/"'
        not in sign_in(client, volunteer).get("/").content.decode()
    )


# --- one door for both class pages (issue 10) ---------------------------------------------------

UNKNOWN = 999999
PAGES = [url, lambda group: f"/records/classes/{group.pk}/photographs/"]


def _at(page, pk):
    return page(TeachingGroup(pk=pk))


@pytest.mark.parametrize("page", PAGES, ids=["class", "photographs"])
@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
def test_an_unverified_team_member_gets_the_same_answer_for_a_real_and_an_unknown_class(
    client, request, persona, page, oak, pupil
):
    sign_in(client, request.getfixturevalue(persona))
    real, unknown = client.get(page(oak)), client.get(_at(page, UNKNOWN))
    assert real.status_code == unknown.status_code == 302
    assert real["Location"] == unknown["Location"].replace(str(UNKNOWN), str(oak.pk))
    assert "/accounts/two-factor/verify/" in real["Location"]
    assert not access_entries().exists()


@pytest.mark.parametrize("page", PAGES, ids=["class", "photographs"])
def test_the_teacher_of_the_class_may_open_both_pages_audited_once(client, teacher, page, oak):
    assert sign_in(client, teacher).get(page(oak)).status_code == 200
    assert access_entries(oak).filter(actor=teacher).count() == 1


@pytest.mark.parametrize("page", PAGES, ids=["class", "photographs"])
@pytest.mark.parametrize("persona", ["other_teacher", "parent", "volunteer"])
def test_others_get_404_alike_for_this_class_and_an_unknown_one(
    client, request, persona, page, oak, pupil
):
    user = request.getfixturevalue(persona)
    if persona == "volunteer":
        oak.staff.add(user)  # placed in the class, yet opens neither page (P11)
    sign_in(client, user)
    assert client.get(page(oak)).status_code == 404
    assert client.get(_at(page, UNKNOWN)).status_code == 404
    assert not access_entries().exists()


def test_the_teacher_of_another_class_opens_that_class_on_both_pages(
    client, other_teacher, oak, pupil
):
    elm = TeachingGroup.objects.create(name="4 Elm", year_group=4)
    elm.staff.add(other_teacher)
    sign_in(client, other_teacher)
    for page in PAGES:
        assert client.get(page(elm)).status_code == 200
        assert client.get(page(oak)).status_code == 404


def test_the_head_opens_every_class_but_not_its_photograph_consent(client, head, oak, pupil):
    # M4: the head holds every child's everyday record, not their photograph consent.
    sign_in(client, head, verified=True)
    response = client.get(url(oak))
    assert response.status_code == 200
    assert f'href="/records/classes/{oak.pk}/photographs/"' not in response.content.decode()
    assert client.get(f"/records/classes/{oak.pk}/photographs/").status_code == 404


def test_the_head_teaching_the_class_sees_its_photograph_consent(client, head, oak, pupil):
    oak.staff.add(head)
    sign_in(client, head, verified=True)
    assert client.get(f"/records/classes/{oak.pk}/photographs/").status_code == 200


def test_the_office_opens_every_class_and_its_photograph_consent(client, office, oak, pupil):
    sign_in(client, office)
    assert client.get(url(oak)).status_code == 200
    assert client.get(f"/records/classes/{oak.pk}/photographs/").status_code == 200


def test_break_glass_on_one_pupil_opens_neither_class_page(client, other_teacher, oak, pupil):
    from confidentiality.models import BreakGlassAccess

    BreakGlassAccess.objects.create(
        user=other_teacher,
        content_type=ContentType.objects.get_for_model(pupil),
        object_pk=str(pupil.pk),
    )
    sign_in(client, other_teacher)
    for page in PAGES:
        assert client.get(page(oak)).status_code == 404
