"""Subject-access requests in the retention schedule (P4): a closed request and its case file
are deleted a year after its last action, named on the certificate only by reference; an open
one never is; a sent one waits to be closed; a complaint is a hold; the audit trail stays
verifiable."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from confidentiality.audit import subject_key
from records.models import Student
from retention import registry
from retention.models import DeletionCertificate, LegalHold
from retention.schedule import Schedule, apply
from subject_access.models import SubjectAccessRequest
from subject_access.retention import KEY

RUN = "a test run"
CLOSED = date(2024, 5, 10)


@pytest.fixture
def make_request(dsl):
    def make(student, status, closed_on=None, sent_on=None):
        sar = SubjectAccessRequest(
            student=student,
            requester_name="Rachel Quinn",
            relation=SubjectAccessRequest.Relation.PARENT,
            received_on=date(2024, 3, 1),
            what_was_asked="Everything about my child.",
            identity_checked=True,
            identity_how="Passport seen at reception.",
            handled_by=dsl,
            logged_by=dsl,
            status=status,
            sent_on=sent_on,
            closed_on=closed_on,
            case_file={"items": [{"key": "k", "heading": "A concern", "text": "She said."}]},
        )
        sar.save()
        # Its last change was on the day it was closed (or sent), long ago.
        last = closed_on or sent_on or date(2024, 3, 1)
        SubjectAccessRequest.objects.filter(pk=sar.pk).update(
            updated_at=f"{last.isoformat()}T12:00:00+00:00"
        )
        return sar

    return make


def test_the_kind_is_in_the_schedule_with_the_toolkits_year():
    kind = registry.kinds[KEY]
    assert kind.years == 1 and kind.action == "delete"
    assert "subject_access.subjectaccessrequest" in kind.models
    # Deleted before the pupil record it keeps from deletion.
    assert kind.order < registry.kinds["pupil_record"].order


def test_a_closed_request_past_its_year_is_deleted_and_named_by_reference(
    young_pupil, make_request, dsl
):
    sar = make_request(young_pupil, SubjectAccessRequest.Status.CLOSED, closed_on=CLOSED)
    reference = subject_key(sar, blind=True)
    result = apply(by=dsl, description=RUN)

    assert not SubjectAccessRequest.objects.filter(pk=sar.pk).exists()
    assert [c.kind for c in result.deleted] == [KEY]
    certificate = DeletionCertificate.objects.get(kind=KEY)
    assert certificate.reference == reference
    assert certificate.due_on == date(2025, 5, 10)
    assert certificate.run_by == dsl and certificate.rows_removed >= 1
    words = str(vars(certificate))
    for name in ("Ivy", "Ashby", "Rachel", "Quinn"):
        assert name not in words
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_pk=str(certificate.pk))
    assert entry.additional_data["record"] == reference
    assert "Ivy" not in entry.object_repr and "Quinn" not in entry.object_repr
    # The child's record stays: it is not due.
    assert Student.objects.filter(pk=young_pupil.pk).exists()
    call_command("verify_audit")


def test_a_closed_request_within_its_year_is_kept(young_pupil, make_request, dsl):
    sar = make_request(young_pupil, SubjectAccessRequest.Status.CLOSED, closed_on=CLOSED)
    apply(by=dsl, description=RUN, today=date(2025, 5, 9))
    assert SubjectAccessRequest.objects.filter(pk=sar.pk).exists()
    assert not DeletionCertificate.objects.exists()


@pytest.mark.parametrize("status", ["received", "assembling", "ready"])
def test_an_open_request_is_never_deleted(young_pupil, make_request, dsl, status):
    sar = make_request(young_pupil, status)
    far = date(2060, 1, 1)
    assert not Schedule(far).due_of(registry.kinds[KEY])
    apply(by=dsl, description=RUN, today=far)
    assert SubjectAccessRequest.objects.filter(pk=sar.pk).exists()


def test_a_sent_request_waits_to_be_closed(young_pupil, make_request, dsl):
    sar = make_request(young_pupil, SubjectAccessRequest.Status.SENT, sent_on=CLOSED)
    result = apply(by=dsl, description=RUN)
    assert SubjectAccessRequest.objects.filter(pk=sar.pk).exists()
    [held] = [r for r in result.held if r.kind.key == KEY]
    assert "not yet closed" in held.held_because


def test_a_complaint_is_a_hold_on_the_child_and_keeps_the_request(young_pupil, make_request, dsl):
    sar = make_request(young_pupil, SubjectAccessRequest.Status.CLOSED, closed_on=CLOSED)
    hold = LegalHold(
        scope=LegalHold.Scope.CHILD, reason="Complaint to the ICO about the answer", placed_by=dsl
    )
    hold.child = young_pupil
    hold.save()
    result = apply(by=dsl, description=RUN)
    assert SubjectAccessRequest.objects.filter(pk=sar.pk).exists()
    assert [r.kind.key for r in result.held] == [KEY]


def test_the_request_goes_first_so_the_pupil_record_can_go_in_the_same_run(
    old_pupil, make_request, dsl
):
    make_request(old_pupil, SubjectAccessRequest.Status.CLOSED, closed_on=CLOSED)
    result = apply(by=dsl, description=RUN)
    assert [c.kind for c in result.deleted] == [KEY, "pupil_record"]
    assert not result.blocked
    assert not Student.objects.filter(pk=old_pupil.pk).exists()
    call_command("verify_audit")


def test_only_the_dsl_sees_the_requests_by_name(head, dsl, deputy):
    kind = registry.kinds[KEY]
    assert kind.shown_to(dsl)
    assert not kind.shown_to(head)  # manages retention, but never handles requests
    assert not kind.shown_to(deputy)  # handles requests, but does not manage retention


def test_the_report_says_an_open_request_still_needs_the_pupil_record(
    client, old_pupil, make_request, dsl
):
    """Rowan's record is past its period, but an open request about him refers to it: the
    report says so in the words the run uses, and the run indeed keeps it."""
    from django.urls import reverse

    from tests.conftest import sign_in

    make_request(old_pupil, SubjectAccessRequest.Status.ASSEMBLING)
    needed = "Still needed by: subject access requests."
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert f"Not deleted at the next run:</strong> {needed}" in page
    panel = next(
        p
        for p in client.get(reverse("dashboard")).context["panels"]
        if p["title"] == "Retention of records"
    )
    assert panel["items"][0]["label"] == (
        "1 record past the retention period: 0 to delete at the next run, 0 to review, "
        "1 still needed by another record"
    )
    result = apply(by=dsl, description=RUN)
    assert [(r.kind.key, why) for r, why in result.blocked] == [("pupil_record", needed)]
    assert Student.objects.filter(pk=old_pupil.pk).exists()


def test_a_request_the_same_run_deletes_does_not_count_as_needing_the_record(
    client, old_pupil, make_request, dsl
):
    make_request(old_pupil, SubjectAccessRequest.Status.CLOSED, closed_on=CLOSED)
    schedule = Schedule()
    due = schedule.due()
    schedule.mark_still_needed(due)
    assert [(r.kind.key, r.needed_by) for r in due] == [(KEY, ""), ("pupil_record", "")]
