"""Editing the record section by section: who may edit which section (both sides of every
rule), audited openings, kept input on error, and a change history without content."""

import pytest
from auditlog.models import LogEntry

from records import policy
from records.models import RecordSection, SupportAssignment
from records.models.sections import SECTION_FIELDS
from tests.conftest import sign_in

KINDS = [k.value for k in RecordSection.Kind]


def edit_url(student, kind):
    return f"/records/students/{student.pk}/sections/{kind}/edit/"


def history_url(student, kind):
    return f"/records/students/{student.pk}/sections/{kind}/history/"


def access_entries(student, how):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__subject=f"records.student:{student.pk}",
        additional_data__how=how,
    )


def changes_of(section):
    return LogEntry.objects.get_for_object(section).exclude(action=LogEntry.Action.ACCESS)


@pytest.fixture
def assigned_nurse(nurse, pupil):
    SupportAssignment.objects.create(
        staff=nurse, student=pupil, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    return nurse


def medical_post(section, **entries):
    data = {"seen_version": section.updated_at.isoformat() if section else "", "notes": ""}
    data.update(
        {
            key: section.details.get(key, "") if section else ""
            for key, _ in SECTION_FIELDS["medical"]
        }
    )
    data.update(entries)
    return data


# --- the policy itself ---------------------------------------------------------------------


def test_everyone_who_may_edit_a_section_may_also_read_it():
    for codenames in [*policy.ROLE_PERMISSIONS.values(), policy.HEALTH, policy.CLASSROOM]:
        for kind, edit in policy.EDIT_PERMISSION.items():
            if edit.split(".")[1] in codenames:
                assert policy.SECTION_PERMISSION[kind].split(".")[1] in codenames, (kind, codenames)


def test_read_and_edit_rules_name_the_same_sections():
    assert set(policy.SECTION_PERMISSION) == set(policy.EDIT_PERMISSION) == set(KINDS)


def test_teaching_a_child_gives_no_edit_permission():
    assert not {p.split(".")[1] for p in policy.EDIT_PERMISSION.values()} & set(policy.CLASSROOM)


# --- the ladder ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_is_sent_to_sign_in(client, pupil, kind):
    for url in (edit_url(pupil, kind), history_url(pupil, kind)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_safeguarding_team_edits_every_section(client, dsl, pupil, kind):
    sign_in(client, dsl, verified=True)
    assert client.get(edit_url(pupil, kind)).status_code == 200
    assert access_entries(pupil, "edit").count() == 1


def test_the_safeguarding_team_must_confirm_the_second_factor(client, deputy, pupil):
    sign_in(client, deputy)
    response = client.get(edit_url(pupil, "medical"))
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    assert not access_entries(pupil, "edit").exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "head", "parent", "ta"])
def test_people_who_may_not_edit_get_404(client, request, persona, pupil, kind):
    sign_in(client, request.getfixturevalue(persona), verified=persona == "head")
    assert client.get(edit_url(pupil, kind)).status_code == 404
    assert client.post(edit_url(pupil, kind), {"notes": "x"}).status_code == 404
    assert not access_entries(pupil, "edit").exists()


def test_an_unknown_section_is_404(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    assert client.get(edit_url(pupil, "grades")).status_code == 404


def test_an_assigned_health_professional_edits_the_medical_record_only(
    client, assigned_nurse, pupil
):
    sign_in(client, assigned_nurse)
    assert client.get(edit_url(pupil, "medical")).status_code == 200
    for kind in ["sen", "family", "social_services", "protected"]:
        assert client.get(edit_url(pupil, kind)).status_code == 404


def test_a_health_professional_not_assigned_to_the_child_edits_nothing(
    client, assigned_nurse, student_factory
):
    other_child = student_factory()
    sign_in(client, assigned_nurse)
    assert client.get(edit_url(other_child, "medical")).status_code == 404


def test_ending_the_assignment_ends_the_right_to_edit(client, assigned_nurse, pupil):
    SupportAssignment.objects.filter(staff=assigned_nurse).delete()
    sign_in(client, assigned_nurse)
    assert client.get(edit_url(pupil, "medical")).status_code == 404


def test_office_staff_record_protected_characteristics_only(client, office, pupil):
    sign_in(client, office)
    assert client.get(edit_url(pupil, "protected")).status_code == 200
    for kind in ["medical", "sen", "family", "social_services"]:
        assert client.get(edit_url(pupil, kind)).status_code == 404


# --- saving --------------------------------------------------------------------------------


def test_a_change_is_saved_encrypted_and_audited_without_content(client, dsl, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    sign_in(client, dsl, verified=True)
    before = changes_of(section).count()
    response = client.post(
        edit_url(pupil, "medical"), medical_post(section, medication="Insulin pen at lunch")
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.details["medication"] == "Insulin pen at lunch"
    assert section.details["allergies"] == "Peanuts (anaphylaxis)"
    assert section.updated_by == dsl
    entries = changes_of(section)
    assert entries.count() == before + 1
    entry = entries.latest("timestamp")
    assert entry.actor == dsl and entry.action == LogEntry.Action.UPDATE
    assert entry.additional_data["entries"] == ["Medication"]
    assert "Insulin" not in str(entry.changes) and "Insulin" not in entry.changes_text


def test_saving_without_a_change_writes_nothing(client, dsl, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    sign_in(client, dsl, verified=True)
    before = changes_of(section).count()
    response = client.post(edit_url(pupil, "medical"), medical_post(section), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert changes_of(section).count() == before


def test_an_empty_section_is_filled_in_by_the_first_edit(client, dsl, pupil):
    # Every child has every section from the start, empty: the first edit fills it in.
    section = RecordSection.objects.get(student=pupil, kind="sen")
    assert not section.has_content
    sign_in(client, dsl, verified=True)
    response = client.post(
        edit_url(pupil, "sen"),
        {
            "seen_version": section.updated_at.isoformat(),
            "need": "Dyslexia",
            "support": "",
            "notes": "Reviewed in May.",
        },
    )
    assert response.status_code == 302
    assert RecordSection.objects.filter(student=pupil, kind="sen").count() == 1
    section.refresh_from_db()
    assert section.details == {"need": "Dyslexia"} and section.notes == "Reviewed in May."
    filled = changes_of(section).get(action=LogEntry.Action.UPDATE)
    assert filled.actor == dsl and filled.additional_data["entries"] == ["Area of need", "Notes"]
    started = changes_of(section).get(action=LogEntry.Action.CREATE)
    assert started.actor is None  # started with the child's record, before anyone wrote in it


def test_the_nurse_updates_the_care_plan(client, assigned_nurse, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    sign_in(client, assigned_nurse)
    client.post(edit_url(pupil, "medical"), medical_post(section, care_plan="New plan agreed"))
    section.refresh_from_db()
    assert section.details["care_plan"] == "New plan agreed"


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, dsl, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    stale = medical_post(section, medication="Typed by the DSL")
    # Someone else saves first.
    section.details = {**section.details, "medication": "Changed meanwhile"}
    section.save()
    sign_in(client, dsl, verified=True)
    response = client.post(edit_url(pupil, "medical"), stale)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone else saved this section" in page and "Typed by the DSL" in page
    section.refresh_from_db()
    assert section.details["medication"] == "Changed meanwhile"


def test_an_over_long_entry_is_refused_and_kept(client, dsl, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    sign_in(client, dsl, verified=True)
    too_long = "word " * 900
    response = client.post(edit_url(pupil, "medical"), medical_post(section, care_plan=too_long))
    assert response.status_code == 400
    assert "Ensure this value has at most" in response.content.decode()
    assert too_long.strip() in response.content.decode()
    section.refresh_from_db()
    assert "care_plan" not in section.details


# --- history -------------------------------------------------------------------------------


def test_the_history_names_who_and_which_entries_but_never_content(client, dsl, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    sign_in(client, dsl, verified=True)
    client.post(edit_url(pupil, "medical"), medical_post(section, medication="Secret dose"))
    response = client.get(history_url(pupil, "medical"))
    page = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0]["who"] == dsl and rows[0]["what"] == ["Medication"]
    assert rows[-1]["did"] == "Started the section"
    assert "Secret dose" not in page and "Peanuts" not in page
    assert access_entries(pupil, "history").count() == 1


def test_an_assigned_nurse_reads_the_medical_history_only(client, assigned_nurse, pupil):
    sign_in(client, assigned_nurse)
    assert client.get(history_url(pupil, "medical")).status_code == 200
    assert client.get(history_url(pupil, "social_services")).status_code == 404


@pytest.mark.parametrize("kind", ["medical", "social_services", "family"])
def test_staff_who_teach_the_child_do_not_read_the_history(client, teacher, pupil, kind):
    # The teacher reads the medical summary, not the section: the history is not theirs.
    sign_in(client, teacher)
    assert client.get(history_url(pupil, kind)).status_code == 404
    assert not access_entries(pupil, "history").exists()


def test_the_head_reads_the_sen_history_but_cannot_edit(client, head, pupil):
    sign_in(client, head, verified=True)
    response = client.get(history_url(pupil, "sen"))
    assert response.status_code == 200 and response.context["may_edit"] is False
    assert client.get(history_url(pupil, "medical")).status_code == 404


def test_the_record_page_offers_edit_links_only_to_editors(client, dsl, teacher, pupil):
    page = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/").content.decode()
    assert edit_url(pupil, "medical") not in page
    assert history_url(pupil, "medical") not in page
    page = sign_in(client, dsl, verified=True).get(f"/records/students/{pupil.pk}/")
    page = page.content.decode()
    assert edit_url(pupil, "medical") in page and history_url(pupil, "social_services") in page
