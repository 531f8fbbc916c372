"""Triage sees the family (P3): a concern about a child offers the DSL the earlier concerns
about the child's brothers and sisters (children who share a parent or carer), never concerns
about unrelated children, in a fixed number of queries."""

import pytest

from records.models import ParentLink
from tests.conftest import sign_in


def link(parent, *children, relationship="mother"):
    for child in children:
        ParentLink(parent=parent, student=child, relationship=relationship).save()


@pytest.fixture
def family(student_factory, oak, parent):
    """Maya and her brother Leo share a mother; Sam is in the same class, no relation."""
    maya = student_factory(group=oak, first_name="Maya", last_name="Quinn")
    leo = student_factory(first_name="Leo", last_name="Quinn", year_group=5)
    sam = student_factory(group=oak, first_name="Sam", last_name="Other")
    link(parent, maya, leo)
    return maya, leo, sam


def test_a_siblings_earlier_concern_is_related_and_an_unrelated_childs_is_not(
    raise_concern, teacher, other_parent, family
):
    maya, leo, sam = family
    link(other_parent, sam)
    about_leo = raise_concern(teacher, [leo])
    about_sam = raise_concern(teacher, [sam])
    about_maya = raise_concern(teacher, [maya])
    related = set(about_maya.related_concerns())
    assert about_leo in related
    assert about_sam not in related
    assert about_maya not in related  # never itself


def test_it_works_both_ways_and_through_any_shared_carer(
    raise_concern, teacher, make_user, student_factory
):
    maya = student_factory(first_name="Maya")
    step_brother = student_factory(first_name="Tom")
    stepdad = make_user("stepdad")
    link(stepdad, maya, step_brother, relationship="step_parent")
    about_maya = raise_concern(teacher, [maya])
    about_tom = raise_concern(teacher, [step_brother])
    assert list(about_tom.related_concerns()) == [about_maya]
    assert list(about_maya.related_concerns()) == [about_tom]


def test_concerns_about_the_same_child_are_still_related(raise_concern, teacher, pupil):
    """A child with no parent linked yet: their own earlier concerns are still offered."""
    earlier = raise_concern(teacher, [pupil])
    later = raise_concern(teacher, [pupil])
    assert list(later.related_concerns()) == [earlier]


def test_a_child_with_no_siblings_has_nothing_else_related(raise_concern, teacher, family):
    maya, leo, sam = family
    about_sam = raise_concern(teacher, [sam])
    raise_concern(teacher, [leo])
    assert not about_sam.related_concerns().exists()


def test_two_queries_however_large_the_family(
    raise_concern, teacher, parent, student_factory, django_assert_num_queries
):
    children = [student_factory() for _ in range(6)]
    link(parent, *children)
    for child in children[1:]:
        raise_concern(teacher, [child])
    concern = raise_concern(teacher, [children[0]])
    # The brothers and sisters, then their concerns by blind reference (computed in between).
    with django_assert_num_queries(2):
        related = list(concern.related_concerns())
    assert len(related) == 5


def test_triage_offers_the_siblings_concern_and_links_it(
    client, dsl, teacher, raise_concern, family
):
    maya, leo, sam = family
    about_leo = raise_concern(teacher, [leo])
    about_sam = raise_concern(teacher, [sam])
    about_maya = raise_concern(teacher, [maya])
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{about_maya.pk}/triage/").content.decode()
    assert f'value="{about_leo.pk}"' in page
    assert f'value="{about_sam.pk}"' not in page
    response = client.post(
        f"/safeguarding/concerns/{about_maya.pk}/triage/", {"triage-linked": [about_leo.pk]}
    )
    assert response.status_code == 302
    assert list(about_maya.linked_concerns.all()) == [about_leo]


def test_an_unrelated_childs_concern_cannot_be_linked_through_triage(
    client, dsl, teacher, raise_concern, family
):
    maya, leo, sam = family
    about_sam = raise_concern(teacher, [sam])
    about_maya = raise_concern(teacher, [maya])
    sign_in(client, dsl, verified=True)
    response = client.post(
        f"/safeguarding/concerns/{about_maya.pk}/triage/", {"triage-linked": [about_sam.pk]}
    )
    assert response.status_code == 400
    assert not about_maya.linked_concerns.exists()
