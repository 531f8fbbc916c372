"""A list of what a person may open reads guardian's grant tables itself (``access._granted``):
it must answer exactly as guardian's own ``get_objects_for_user`` does, from both sides: what is
granted to the person or to a group of theirs is listed, for any of the permissions asked; a
grant of another permission, on another kind of object, to another person or to a group they
are not in is not."""

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm, get_objects_for_user

from confidentiality.access import _granted, visible
from records.models import Student


def guardians_answer(user, perms, queryset):
    return set(
        get_objects_for_user(
            user,
            perms,
            klass=queryset,
            any_perm=True,
            accept_global_perms=False,
            with_superuser=False,
        ).values_list("pk", flat=True)
    )


def ours(user, perms, queryset):
    codenames = {p.split(".", 1)[1] for p in perms}
    return set(_granted(queryset, user, codenames).values_list("pk", flat=True))


@pytest.fixture
def grants(make_user, student_factory):
    """Six children and who was given what on which of them."""
    children = [student_factory(first_name=f"Child{n}") for n in range(6)]
    person = make_user("granted")
    other = make_user("other")
    theirs = Group.objects.create(name="Reading club")
    not_theirs = Group.objects.create(name="Chess club")
    person.groups.add(theirs)
    other.groups.add(not_theirs)
    assign_perm("records.view_student", person, children[0])  # to the person
    assign_perm("records.view_student", theirs, children[1])  # to a group of theirs
    assign_perm("records.change_student", person, children[2])  # another permission
    assign_perm("records.view_student", other, children[3])  # to someone else
    assign_perm("records.view_student", not_theirs, children[4])  # a group not theirs
    assign_perm("records.change_student", theirs, children[5])  # another, through the group
    return person, children


@pytest.mark.parametrize(
    "perms, expected",
    [
        (["records.view_student"], {0, 1}),
        (["records.change_student"], {2, 5}),
        (["records.view_student", "records.change_student"], {0, 1, 2, 5}),
        (["records.delete_student"], set()),
    ],
)
def test_the_granted_list_is_guardians_answer(grants, perms, expected):
    person, children = grants
    everyone = Student.objects.all()
    want = {children[n].pk for n in expected}
    assert guardians_answer(person, perms, everyone) == want
    assert ours(person, perms, everyone) == want


def test_a_narrowed_list_stays_narrowed(grants):
    person, children = grants
    narrowed = Student.objects.filter(pk__in=[children[1].pk, children[3].pk])
    assert ours(person, ["records.view_student"], narrowed) == {children[1].pk}
    assert guardians_answer(person, ["records.view_student"], narrowed) == {children[1].pk}


def test_someone_with_no_grant_sees_none_and_a_grant_removed_is_gone(grants, make_user):
    from guardian.shortcuts import remove_perm

    person, children = grants
    nobody = make_user("nobody")
    assert ours(nobody, ["records.view_student"], Student.objects.all()) == set()
    remove_perm("records.view_student", person, children[0])
    assert ours(person, ["records.view_student"], Student.objects.all()) == {children[1].pk}


def test_the_list_pages_use_it_in_one_query(grants, django_assert_num_queries):
    person, children = grants
    listed = visible(person, Student.objects.all(), "records.view_student")
    with django_assert_num_queries(1):  # their roles were read as it was built
        assert {s.pk for s in listed} == {children[0].pk, children[1].pk}


def test_a_permission_made_or_removed_is_asked_afresh(grants):
    """Each permission's id is kept per process (``access.permission_ids``): one made later,
    or removed, is not answered from what was kept."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    person, children = grants
    assert ours(person, ["records.look_after_student"], Student.objects.all()) == set()
    made = Permission.objects.create(
        codename="look_after_student",
        name="Look after",
        content_type=ContentType.objects.get_for_model(Student),
    )
    assign_perm(made, person, children[3])
    assert ours(person, ["records.look_after_student"], Student.objects.all()) == {children[3].pk}
    made.delete()
    assert ours(person, ["records.look_after_student"], Student.objects.all()) == set()


def test_a_permission_named_with_another_apps_label_opens_nothing(grants):
    """As for one object: ``safeguarding.view_student`` is no permission of a pupil's record."""
    person, children = grants
    listed = visible(person, Student.objects.all(), "safeguarding.view_student")
    assert set(listed.values_list("pk", flat=True)) == set()
    listed = visible(
        person, Student.objects.all(), ["safeguarding.view_student", "records.change_student"]
    )
    assert set(listed.values_list("pk", flat=True)) == {children[2].pk, children[5].pk}


def test_a_new_connection_to_postgresql_asks_the_ids_afresh(grants):
    """A database restored under a running server is reached through a new connection: what
    was kept of the old one's ids (permissions, roles' groups, content types) is forgotten then,
    on PostgreSQL, where a connection outlives a request. SQLite's live one request each, so
    there they are kept."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.backends.signals import connection_created

    from confidentiality import access
    from confidentiality.models import users

    person, _ = grants
    ours(person, ["records.view_student"], Student.objects.all())
    users.role_group_ids([users.Role.TEACHER], connection.alias)
    assert access._permission_ids
    assert users._group_ids
    ContentType.objects.get_for_model(Student)
    kept = bool(ContentType.objects._cache)

    connection_created.send(sender=type(connection), connection=connection)

    if connection.vendor == "sqlite":
        assert access._permission_ids
        assert users._group_ids
        assert bool(ContentType.objects._cache) == kept
    else:
        assert not access._permission_ids
        assert not ContentType.objects._cache
        assert not users._group_ids
