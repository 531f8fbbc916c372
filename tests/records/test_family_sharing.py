"""P6: personal and family circumstances are read by the safeguarding team "and staff the DSL
shares it with". Only the DSL and deputies (with their second factor) share or stop sharing;
each decision is in the audit trail, naming who; a relationship change never removes a share."""

import pytest
from django.db import connection

from records.models import FamilyShareDecision, RecordSection, TeachingGroup
from tests.conftest import sign_in

from .conftest import access_entries

CIRCUMSTANCES = "Parents separated; father not to collect"


@pytest.fixture
def family_section(pupil):
    RecordSection(
        student=pupil,
        kind=RecordSection.Kind.FAMILY,
        details={"circumstances": CIRCUMSTANCES},
    ).save()
    return pupil


def page(student):
    return f"/records/students/{student.pk}/"


def share(client, student, person, reason="Class teacher: pick-up arrangements matter."):
    return client.post(
        f"/records/students/{student.pk}/family-sharing/", {"person": person.pk, "reason": reason}
    )


def stop(client, student, person):
    return client.post(f"/records/students/{student.pk}/family-sharing/{person.pk}/stop/")


def test_the_dsl_shares_with_a_teacher_who_then_reads_the_family_section(
    client, dsl, teacher, family_section
):
    assert CIRCUMSTANCES not in sign_in(client, teacher).get(page(family_section)).content.decode()

    response = share(sign_in(client, dsl, verified=True), family_section, teacher)
    assert response.status_code == 302
    entry = access_entries(family_section, how="family-shared").get()
    assert entry.actor == dsl
    assert "teacher" in entry.additional_data["reason"]
    # The DSL's reason describes the circumstances: encrypted with the decision, never in the log.
    assert "pick-up arrangements" not in str(entry.additional_data)
    decision = FamilyShareDecision.objects.get(student=family_section, person=teacher)
    assert decision.shared and decision.reason.startswith("Class teacher: pick-up")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM records_familysharedecision")
        assert "pick-up" not in cursor.fetchone()[0]
    assert "Teacher Tester" in client.get(page(family_section)).content.decode()

    response = sign_in(client, teacher).get(page(family_section))
    assert response.status_code == 200 and CIRCUMSTANCES in response.content.decode()


def test_a_member_of_staff_who_does_not_teach_the_child_reaches_only_the_family_section(
    client, deputy, other_teacher, family_section
):
    assert sign_in(client, other_teacher).get(page(family_section)).status_code == 404
    share(sign_in(client, deputy, verified=True), family_section, other_teacher)
    response = sign_in(client, other_teacher).get(page(family_section))
    assert response.status_code == 200
    text = response.content.decode()
    assert CIRCUMSTANCES in text
    assert "Child protection plan" not in text and "Peanuts" not in text
    assert family_section.upn not in text
    assert access_entries(family_section).filter(actor=other_teacher).count() == 1


def test_stopping_the_share_hides_the_section_again_and_is_audited(
    client, dsl, teacher, family_section
):
    sign_in(client, dsl, verified=True)
    share(client, family_section, teacher)
    assert stop(client, family_section, teacher).status_code == 302
    entry = access_entries(family_section, how="family-unshared").get()
    assert "teacher" in entry.additional_data["reason"]
    assert CIRCUMSTANCES not in sign_in(client, teacher).get(page(family_section)).content.decode()
    assert stop(sign_in(client, dsl, verified=True), family_section, teacher).status_code == 404


def test_a_class_change_keeps_the_share(client, dsl, teacher, oak, family_section):
    share(sign_in(client, dsl, verified=True), family_section, teacher)
    oak.students.remove(family_section)
    TeachingGroup.objects.create(name="4 Elm", year_group=4).students.add(family_section)
    text = sign_in(client, teacher).get(page(family_section)).content.decode()
    assert CIRCUMSTANCES in text


@pytest.mark.parametrize("persona", ["teacher", "office", "head", "ta", "parent", "nurse"])
def test_nobody_else_may_share_or_stop_sharing(
    client, request, persona, dsl, other_teacher, family_section
):
    share(sign_in(client, dsl, verified=True), family_section, other_teacher)
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=True)
    before = access_entries().count()
    assert client.get(f"/records/students/{family_section.pk}/family-sharing/").status_code == 404
    assert share(client, family_section, user).status_code == 404
    assert stop(client, family_section, other_teacher).status_code == 404
    assert access_entries().count() == before
    assert access_entries(family_section, how="family-unshared").count() == 0


def test_the_teacher_sees_no_sharing_form(client, teacher, family_section):
    text = sign_in(client, teacher).get(page(family_section)).content.decode()
    assert "Share the family section" not in text


def test_sharing_needs_the_second_factor(client, dsl, teacher, family_section):
    response = share(sign_in(client, dsl), family_section, teacher)
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    assert not access_entries(family_section, how="family-shared").exists()


def test_a_share_without_a_reason_keeps_the_choice_and_shares_nothing(
    client, dsl, teacher, family_section
):
    response = share(sign_in(client, dsl, verified=True), family_section, teacher, reason="")
    assert response.status_code == 400
    assert f'value="{teacher.pk}" selected' in response.content.decode()
    assert not access_entries(family_section, how="family-shared").exists()
    response = share(client, family_section, teacher, reason="Short")
    assert response.status_code == 400 and "Short</textarea>" in response.content.decode()


def test_only_school_staff_outside_the_team_can_be_chosen(
    client, dsl, deputy, parent, volunteer, nurse, family_section
):
    sign_in(client, dsl, verified=True)
    form = client.get(f"/records/students/{family_section.pk}/family-sharing/").content.decode()
    for person in (deputy, parent, volunteer, nurse):
        assert f'value="{person.pk}"' not in form
    for person in (parent, volunteer):
        assert share(client, family_section, person).status_code == 400
    assert not access_entries(family_section, how="family-shared").exists()


@pytest.mark.parametrize("becomes", ["parent", "governor"])
def test_a_share_ends_when_the_person_stops_being_staff(
    client, dsl, other_teacher, family_section, becomes
):
    from confidentiality.roles import Role, group_for

    share(sign_in(client, dsl, verified=True), family_section, other_teacher)
    other_teacher.groups.remove(group_for(Role.TEACHER))
    other_teacher.groups.add(group_for(Role(becomes)))
    response = sign_in(client, other_teacher).get(page(family_section))
    assert response.status_code == 404
    assert CIRCUMSTANCES not in response.content.decode()
