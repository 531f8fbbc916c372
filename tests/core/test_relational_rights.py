"""Rights that follow from who a person is to an object (``relational_permissions``), decided at
the moment of asking: one page and one list agree, a relation that ends ends the right, and a
relation across a join never repeats a row. Tried on the student record with a made-up relation
(the child's first name is the reader's first name), so the door itself is what is tested."""

import pytest
from django.db.models import Q
from django.http import Http404
from django.test import RequestFactory

from confidentiality import access
from records.models import Student


@pytest.fixture
def named_after_reader(monkeypatch):
    """Students whose first name is the reader's first name are theirs to view."""

    def relational_permissions(cls, user):
        return {"view_student": Q(first_name=user.first_name)}

    monkeypatch.setattr(
        Student, "relational_permissions", classmethod(relational_permissions), raising=False
    )


def _request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_a_relation_opens_the_object_and_lists_it_and_nothing_else(
    named_after_reader, make_user, student_factory
):
    reader = make_user("maya")
    theirs = student_factory(first_name="Maya")
    other = student_factory(first_name="Zara")
    assert access.has_permission(reader, "records.view_student", theirs)
    assert not access.has_permission(reader, "records.view_student", other)
    assert list(access.visible(reader, Student.objects.all(), "records.view_student")) == [theirs]
    assert (
        access.open_object(
            _request(reader), Student.objects.all(), "records.view_student", pk=theirs.pk
        )
        == theirs
    )
    with pytest.raises(Http404):
        access.open_object(
            _request(reader), Student.objects.all(), "records.view_student", pk=other.pk
        )


def test_without_the_relation_nothing_opens(make_user, student_factory):
    reader = make_user("maya")
    child = student_factory(first_name="Maya")
    assert not access.has_permission(reader, "records.view_student", child)
    assert not access.visible(reader, Student.objects.all(), "records.view_student").exists()


def test_a_relation_for_another_right_does_not_open_this_one(
    named_after_reader, make_user, student_factory
):
    reader = make_user("maya")
    child = student_factory(first_name="Maya")
    assert not access.has_permission(reader, "records.change_student", child)
    assert not access.visible(reader, Student.objects.all(), "records.change_student").exists()


def test_an_inactive_account_holds_no_relation(named_after_reader, make_user, student_factory):
    reader = make_user("maya", is_active=False)
    child = student_factory(first_name="Maya")
    assert not access.has_permission(reader, "records.view_student", child)
    assert not access.visible(reader, Student.objects.all(), "records.view_student").exists()


def test_a_relation_across_a_join_lists_each_object_once(
    monkeypatch, make_user, student_factory, oak, other_teacher
):
    """Two classes of the same reader hold the child: still one row."""
    from records.models import TeachingGroup

    def relational_permissions(cls, user):
        return {"view_student": Q(teaching_groups__staff=user)}

    monkeypatch.setattr(
        Student, "relational_permissions", classmethod(relational_permissions), raising=False
    )
    child = student_factory(group=oak)
    second = TeachingGroup.objects.create(name="3 Oak maths", year_group=3)
    second.staff.add(other_teacher)
    oak.staff.add(other_teacher)
    second.students.add(child)
    listed = list(access.visible(other_teacher, Student.objects.all(), "records.view_student"))
    assert listed.count(child) == 1


@pytest.fixture
def rights_sharing_relations(monkeypatch):
    """Three rights over two relations, shared as a file's are (its reader is its subject or its
    holder; its holder alone manages it), and one right that needs both at once."""

    def relational_permissions(cls, user):
        namesake = Q(first_name=user.first_name)
        same_surname = Q(last_name=user.last_name)
        return {
            "view_student": namesake | same_surname,
            "change_student": same_surname,
            "delete_student": namesake & same_surname,
            "add_student": ~(namesake | same_surname),
        }

    monkeypatch.setattr(
        Student, "relational_permissions", classmethod(relational_permissions), raising=False
    )


@pytest.mark.parametrize(
    "first, last, held",
    [
        ("Maya", "Tester", {"view_student", "delete_student", "change_student"}),
        ("Maya", "Smith", {"view_student"}),
        ("Zara", "Tester", {"view_student", "change_student"}),
        ("Zara", "Smith", {"add_student"}),
    ],
)
def test_rights_that_share_relations_are_each_answered_as_their_own_condition(
    rights_sharing_relations,
    make_user,
    student_factory,
    first,
    last,
    held,
    django_assert_num_queries,
):
    """Each distinct relation is asked once; a right is held when any of its relations is, and
    a right that needs two at once, or none of them, is asked as it is written."""
    reader = make_user("maya")  # Maya Tester
    child = student_factory(first_name=first, last_name=last)
    with django_assert_num_queries(1):
        found = set(access._relations_held(reader, child))
    assert found == held
    for codename in ("view_student", "change_student", "delete_student", "add_student"):
        alone = Student.objects.filter(
            Student.relational_permissions(reader)[codename], pk=child.pk
        ).exists()
        assert (codename in found) == alone, codename
