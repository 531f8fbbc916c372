"""Who sees which part of a child's learning and family: need to know, as one table (M4).

Each row is a person; each column a part of the student page (grades, progress notes, work,
parents and carers, photograph consent, the family's requests), then the work download and the
class's photograph-consent page. ``None``: the student page is a 404 for them."""

import pytest

from confidentiality import access
from confidentiality.models import BreakGlassAccess
from confidentiality.roles import Role
from records import policy
from records.models import ParentLink, PhotoConsent, SupportAssignment
from tests.conftest import sign_in
from tests.records.conftest import add_learning

MARKERS = {
    "grades": "27/30 for Ravi",
    "progress_notes": "Ravi reads fluently.",
    "work": "Volcano diagram",
    "contacts": "Tester – Mother",
    "consents": "Newspapers and press",
    "family": "Ask permission to discuss with a class",
}
ALL = set(MARKERS)
# person -> (parts seen on the student page or None for 404, may download work, may open the
# class's photograph consent page)
EXPECTED = {
    "dsl": (ALL, True, True),
    "deputy": (ALL, True, True),
    "head": ({"grades", "progress_notes", "contacts"}, False, False),
    "office": ({"contacts", "consents"}, False, True),
    "teacher": (ALL, True, True),  # teaches the child's class
    "assigned_ta": (ALL, True, False),  # supports the child, not on the class's staff
    "break_glass": ({"contacts"}, False, False),  # another class's teacher, in an emergency
    "assigned_nurse": (set(), False, False),
    "other_teacher": (None, False, False),
    "volunteer": (None, False, False),
    "governor": (None, False, False),
    "parent": (None, False, False),
}


@pytest.fixture
def ravi(student_factory, oak, parent, teacher):
    child = student_factory(group=oak, first_name="Ravi", last_name="Patel")
    ParentLink.objects.create(
        parent=parent, student=child, relationship=ParentLink.Relationship.MOTHER
    )
    PhotoConsent.decide(student=child, purpose="website", given=True, by=parent)
    _, _, work = add_learning(child, teacher)
    return child, work


def _person(request, make_user, name, child, rf):
    if name == "assigned_ta":
        user = make_user(name, Role.TEACHING_ASSISTANT)
        SupportAssignment.objects.create(
            staff=user, student=child, kind=SupportAssignment.Kind.TEACHING_ASSISTANT
        )
        return user
    if name == "assigned_nurse":
        user = make_user(name, Role.HEALTH_PROFESSIONAL)
        SupportAssignment.objects.create(
            staff=user, student=child, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
        )
        return user
    if name == "break_glass":
        user = make_user(name, Role.TEACHER)
        http = rf.post("/")
        http.user = user
        access.break_glass(http, child, "Ravi collapsed in the playground; I need who to call.")
        return user
    return request.getfixturevalue(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_person_sees_exactly_their_part_of_the_learning(
    client, request, make_user, rf, ravi, oak, name
):
    child, work = ravi
    person = _person(request, make_user, name, child, rf)
    sign_in(client, person, verified=person.needs_second_factor)
    parts, downloads, class_page = EXPECTED[name]

    response = client.get(f"/records/students/{child.pk}/")
    if parts is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        page = response.content.decode()
        assert {part for part, text in MARKERS.items() if text in page} == parts
        assert policy.learning_visible_to(person, child) == parts

    download = client.get(f"/records/work/{work.pk}/download/")
    assert download.status_code == (200 if downloads else 404)

    consent_page = client.get(f"/records/classes/{oak.pk}/photographs/")
    assert consent_page.status_code == (200 if class_page else 404)


def test_the_table_in_the_policy_matches_the_role_permissions():
    """The roles' model permissions are what the table in ``records.policy`` says (M4)."""
    head = set(policy.ROLE_PERMISSIONS[Role.HEAD_TEACHER])
    office = set(policy.ROLE_PERMISSIONS[Role.OFFICE_STAFF])
    learning_views = {
        "view_grade",
        "view_progressnote",
        "view_workitem",
        "view_parentlink",
        "view_photoconsent",
    }
    assert head & learning_views == {"view_grade", "view_progressnote", "view_parentlink"}
    assert office & learning_views == {"view_parentlink", "view_photoconsent"}
    assert "record_learning" not in head | office
    assert "work_with_family" not in head | office
    assert learning_views <= set(policy.ROLE_PERMISSIONS[Role.DSL])


def test_break_glass_gives_who_to_call_and_nothing_of_the_learning():
    from records.models import Student

    glass = set(Student.break_glass_permissions)
    assert "view_parentlink" in glass
    assert not glass & {"record_learning", "view_grade", "view_progressnote", "view_workitem"}
    assert not glass & {"view_photoconsent", "work_with_family", "view_social_services"}


def test_an_ended_break_glass_shows_nothing_again(client, make_user, rf, ravi):
    child, _ = ravi
    person = _person(None, make_user, "break_glass", child, rf)
    BreakGlassAccess.objects.get(user=person).end()
    person = type(person).objects.get(pk=person.pk)  # a new request: nothing cached
    assert policy.learning_visible_to(person, child) == frozenset()
    assert sign_in(client, person).get(f"/records/students/{child.pk}/").status_code == 404


def test_the_office_sees_the_class_consent_list_for_every_class_but_adds_no_learning(
    client, office, ravi, oak
):
    child, _ = ravi
    sign_in(client, office)
    page = client.get(f"/records/classes/{oak.pk}/photographs/?purpose=press").content.decode()
    assert "Ravi Patel" in page  # no consent for the press
    assert client.get(f"/records/students/{child.pk}/grades/new/").status_code == 404


def test_the_head_reads_attainment_but_may_not_add_to_it(client, head, ravi):
    child, _ = ravi
    sign_in(client, head, verified=True)
    assert "27/30 for Ravi" in client.get(f"/records/students/{child.pk}/").content.decode()
    assert client.get(f"/records/students/{child.pk}/grades/new/").status_code == 404
    assert client.get(f"/records/students/{child.pk}/progress/new/").status_code == 404


def test_the_class_page_links_the_consent_list_only_for_those_who_may_open_it(
    client, head, office, ravi, oak
):
    link = f"/records/classes/{oak.pk}/photographs/"
    sign_in(client, head, verified=True)
    assert link not in client.get(f"/records/classes/{oak.pk}/").content.decode()
    sign_in(client, office)
    assert link in client.get(f"/records/classes/{oak.pk}/").content.decode()


def test_a_permission_the_policy_no_longer_gives_is_taken_away_on_migrate(db):
    """An install that ran an older policy (the office reading grades) is brought to the table."""
    from django.apps import apps
    from django.contrib.auth.models import Permission

    from confidentiality import roles as role_groups
    from confidentiality.roles import Role
    from records.grants import assign_role_permissions

    office = role_groups.group_for(Role.OFFICE_STAFF)
    stale = Permission.objects.get(content_type__app_label="records", codename="view_grade")
    office.permissions.add(stale)
    assign_role_permissions(sender=None, app_config=apps.get_app_config("records"))
    assert not office.permissions.filter(pk=stale.pk).exists()
    assert office.permissions.filter(codename="view_parentlink").exists()
