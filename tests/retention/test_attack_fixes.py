"""Fixes for what an attacker found in the retention schedule: a hold on one child bypassed
through a concern shared with another, a rule shortened to nothing by one person, and a dry run
that left traces."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.db.models import Max
from django.urls import reverse

from records.models import Student
from retention.models import LegalHold, RetentionRule
from retention.schedule import Schedule, apply
from safeguarding.models import Concern
from tests.conftest import sign_in

RUN = "a test run"


@pytest.fixture
def brother(student_factory):
    """Another child old enough for their file to be due too."""
    return student_factory(first_name="Ellis", last_name="Ashby", date_of_birth=date(1996, 1, 2))


def test_a_hold_on_one_child_keeps_the_whole_file_of_a_child_sharing_a_concern(
    old_pupil, brother, teacher, dsl, concern_about
):
    """Both files are due; a hold is placed on the brother. The concern naming both children is
    in both files: deleting the other child's file would destroy it, so that file waits whole
    (its own concern too), and nothing about the held child goes."""
    shared = concern_about(teacher, old_pupil, brother)
    own = concern_about(teacher, old_pupil)
    hold = LegalHold.objects.create(
        scope=LegalHold.Scope.CHILD, child=brother, reason="Police inquiry", placed_by=dsl
    )

    result = apply(by=dsl, description=RUN)

    assert Concern.objects.filter(pk__in=[shared.pk, own.pk]).count() == 2
    assert Student.objects.filter(pk__in=[old_pupil.pk, brother.pk]).count() == 2
    files = {
        record.found.child.pk: record
        for record in result.held
        if record.kind.key == "child_protection_file"
    }
    assert files[old_pupil.pk].holds == [hold]  # held by the brother's hold
    assert files[brother.pk].holds == [hold]
    assert not [c for c in result.deleted if c.kind == "child_protection_file"]


def test_without_the_hold_both_files_sharing_a_concern_go(
    old_pupil, brother, teacher, dsl, concern_about
):
    shared = concern_about(teacher, old_pupil, brother)
    result = apply(by=dsl, description=RUN)
    assert not Concern.objects.filter(pk=shared.pk).exists()
    assert sorted(c.kind for c in result.deleted).count("child_protection_file") == 2


# --- a rule is never shortened below the law's minimum, and every change is told ---------------


@pytest.mark.parametrize(
    "kind, years, least",
    [
        ("child_protection_file", "0", 25),
        ("child_protection_file", "24", 25),
        ("pupil_record", "0", 25),
        ("concern_about_adult", "9", 10),
    ],
)
@pytest.mark.parametrize("who", ["head", "dsl"])
def test_no_one_shortens_a_rule_below_its_minimum(client, request, who, kind, years, least):
    person = request.getfixturevalue(who)
    sign_in(client, person, verified=True)
    url = reverse("retention:edit_rule", kwargs={"kind": kind})
    response = client.post(url, {"years": years, "action": "review"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"at least {least} years" in page
    assert f'value="{years}"' in page  # nothing typed is lost
    assert not RetentionRule.objects.exists()


def test_a_rule_may_be_lengthened_and_the_other_person_responsible_is_told(
    client, head, dsl, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    url = reverse("retention:edit_rule", kwargs={"kind": "child_protection_file"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"years": "30", "action": "delete"})
    assert response.status_code == 302
    rule = RetentionRule.objects.get(kind="child_protection_file")
    assert (rule.years, rule.changed_by) == (30, head)
    # Told to the DSL, never to the head who made the change.
    assert [m.to for m in mailoutbox] == [[dsl.email]]
    body = mailoutbox[0].body
    assert "Head Tester" in body and "child-protection file" in body
    assert "25 years" in body and "30 years" in body
    # In the audit trail: who changed it, from what to what.
    entry = LogEntry.objects.get_for_object(rule).get()
    assert entry.actor == head and entry.changes_dict["years"][1] == "30"


def test_a_change_by_the_dsl_is_told_to_the_head(
    client, head, dsl, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, dsl, verified=True)
    url = reverse("retention:edit_rule", kwargs={"kind": "pupil_work"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"years": "0", "action": "delete"}).status_code == 302
    assert [m.to for m in mailoutbox] == [[head.email]]
    # Saving the rule as it already is tells nobody.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"years": "0", "action": "delete"}).status_code == 302
    assert not mailoutbox


def test_a_too_short_rule_written_around_the_page_is_not_followed(
    young_pupil, teacher, head, concern_about
):
    """A row of 0 years written straight to the table: the run still keeps the minimum."""
    concern = concern_about(teacher, young_pupil)
    RetentionRule.objects.create(
        kind="child_protection_file", years=0, action="delete", changed_by=head
    )
    RetentionRule.objects.create(kind="pupil_record", years=0, action="delete", changed_by=head)
    assert Schedule().years("child_protection_file") == 25
    assert not apply(description=RUN).deleted
    assert Concern.objects.filter(pk=concern.pk).exists()


# --- a dry run writes nothing, and says what the real run then does ----------------------------


def _state():
    """Counts and largest ids of the audit log, its seals and the certificates."""
    from confidentiality.models import AuditSeal
    from retention.models import DeletionCertificate

    return [
        (model.objects.count(), model.objects.aggregate(Max("id"))["id__max"])
        for model in (LogEntry, AuditSeal, DeletionCertificate)
    ]


def test_a_dry_run_takes_no_id_and_says_exactly_what_the_real_run_does(
    old_pupil, brother, young_pupil, teacher, dsl, concern_about
):
    concern_about(teacher, old_pupil)
    concern_about(teacher, brother, young_pupil)  # the brother's file waits for the young child
    before = _state()
    next_entry = LogEntry.objects.aggregate(Max("id"))["id__max"] + 1

    plan = apply(dry_run=True, by=dsl, description=RUN)

    assert _state() == before
    assert not any(c.pk for c in plan.deleted)  # nothing saved
    # No id was taken from the log's sequence: the next entry follows the last one.
    first_after = LogEntry.objects.log_create(
        dsl, action=LogEntry.Action.ACCESS, force_log=True, changes_text="", changes=None
    )
    assert first_after.pk == next_entry

    done = apply(by=dsl, description=RUN)
    assert [(c.kind, c.reference, c.rows_removed) for c in plan.deleted] == [
        (c.kind, c.reference, c.rows_removed) for c in done.deleted
    ]
    assert {c.kind for c in done.deleted} == {"child_protection_file", "pupil_record"}
    assert [r.reference for r in plan.held] == [r.reference for r in done.held]
