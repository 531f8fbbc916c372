"""A teacher viewing a class (P5): the class's staff and those who hold every child's everyday
record see the class's pupils, each a link to their record, in a fixed number of queries; other
classes' teachers, volunteers placed in the class and parents get 404."""

import re

import pytest
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
