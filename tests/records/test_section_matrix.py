"""Who reads which section of a child's record: the whole policy as one table (P5, P6, P11,
P16, P23, P25). Each row is a person; each column a section; 404 where the page is not theirs."""

import pytest

from confidentiality.roles import Role
from records.models import RecordSection, SupportAssignment
from tests.conftest import sign_in

MARKERS = {
    "summary": "Peanuts (anaphylaxis)",  # allergies: part of the medical summary
    "medical": "Type 1 diabetes",  # conditions: the full medical record only
    "sen": "Dyslexia support marker",
    "family": "Family circumstances marker",
    "social_services": "Child protection plan",
    "protected": "Protected characteristic marker",
}
EVERYTHING = set(MARKERS)
# person -> the markers they see, or None for a 404
EXPECTED = {
    "dsl": EVERYTHING,
    "deputy": EVERYTHING,
    "head": {"sen"},
    "teacher": {"summary", "sen"},  # teaches the child's class
    "assigned_ta": {"summary", "sen"},
    "office": {"protected"},
    "assigned_nurse": {"summary", "medical"},
    "other_teacher": None,
    "unassigned_nurse": None,
    "volunteer": None,
    "governor": None,
    "clerk": None,
    "parent": None,
}


@pytest.fixture
def full_record(pupil):
    for kind, details in (
        (RecordSection.Kind.SEN, {"need": MARKERS["sen"]}),
        (RecordSection.Kind.FAMILY, {"circumstances": MARKERS["family"]}),
        (RecordSection.Kind.PROTECTED, {"religion": MARKERS["protected"]}),
    ):
        RecordSection(student=pupil, kind=kind, details=details).save()
    return pupil


def _person(request, make_user, name, pupil):
    if name == "assigned_ta":
        user = make_user("assigned_ta", Role.TEACHING_ASSISTANT)
        SupportAssignment.objects.create(
            staff=user, student=pupil, kind=SupportAssignment.Kind.TEACHING_ASSISTANT
        )
        return user
    if name in {"assigned_nurse", "unassigned_nurse"}:
        user = make_user(name, Role.HEALTH_PROFESSIONAL)
        if name == "assigned_nurse":
            SupportAssignment.objects.create(
                staff=user, student=pupil, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
            )
        return user
    if name == "clerk":
        return make_user("clerk", Role.CLERK)
    return request.getfixturevalue(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_person_reads_exactly_their_sections(client, request, make_user, full_record, name):
    person = _person(request, make_user, name, full_record)
    sign_in(client, person, verified=person.needs_second_factor)
    response = client.get(f"/records/students/{full_record.pk}/")
    expected = EXPECTED[name]
    if expected is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    seen = {marker for marker, text in MARKERS.items() if text in page}
    assert seen == expected
