"""P12, P13: the family link is what gives a parent their child — created and removed with the
link, never more than the portal's permission, never another child."""

import pytest

from confidentiality import access
from records.models import Grade, ParentLink, Student, StudentUserObjectPermission


def parent_grants(user):
    return set(
        StudentUserObjectPermission.objects.filter(user=user).values_list(
            "content_object_id", "permission__codename"
        )
    )


def test_linking_a_parent_grants_the_portal_permission_on_that_child_only(
    parent, child, other_child
):
    assert parent_grants(parent) == {(child.pk, "view_as_parent")}
    assert access.has_permission(parent, "records.view_as_parent", child)
    assert not access.has_permission(parent, "records.view_as_parent", other_child)
    assert not access.has_permission(parent, "records.view_student", child)


def test_removing_the_link_removes_the_grant(parent, child):
    ParentLink.objects.get(parent=parent, student=child).delete()
    assert parent_grants(parent) == set()


def test_the_parent_grant_survives_class_changes(parent, child, oak):
    oak.students.remove(child)
    assert parent_grants(parent) == {(child.pk, "view_as_parent")}


def test_teachers_get_learning_and_family_permissions_but_not_the_parents(teacher, child):
    perms = access.object_permissions(teacher, child)
    assert {"records.record_learning", "records.work_with_family"} <= perms
    assert "records.view_as_parent" not in perms


def test_a_childs_objects_take_their_permissions_from_the_child(
    parent, other_parent, child, learning, other_learning
):
    grade = learning[0]
    assert access.has_permission(parent, "records.view_as_parent", grade)
    assert not access.has_permission(other_parent, "records.view_as_parent", grade)
    mine = access.visible(parent, Grade.objects.all(), "records.view_as_parent")
    assert list(mine) == [grade]


def test_a_role_wide_permission_lists_everything_once_verified(dsl, learning, other_learning):
    with pytest.raises(access.SecondFactorRequired):
        access.visible(dsl, Grade.objects.all(), "records.view_student")
    dsl.is_verified = lambda: True
    assert access.visible(dsl, Grade.objects.all(), "records.view_student").count() == 2


def test_the_safeguarding_team_works_with_every_family(dsl, child):
    assert access.has_permission(dsl, "records.work_with_family", child)
    assert not access.has_permission(dsl, "records.record_learning", child)
    assert not access.has_permission(dsl, "records.view_as_parent", child)


def test_students_are_not_listed_for_parents(parent, child):
    visible = access.visible(parent, Student.objects.all(), ("records.view_student",))
    assert not visible.exists()
