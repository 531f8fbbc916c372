"""The sending school keeps its copy under retention (P4, P14): a copy of a child's file sent to
another school, and a file received, go with the child-protection file or the pupil record they
follow (until the child's 25th birthday), in the same run; a legal hold keeps them; the audit
trail still verifies after."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from confidentiality.audit.chain import verify_chain
from records.models import Student
from retention import registry
from retention.models import DeletionCertificate, LegalHold, RetentionRule
from retention.schedule import apply
from transfers import envelope, sending
from transfers.models import ReceivedRecord, ReceivedTransfer, RecordTransfer, Transfer

pytestmark = pytest.mark.django_db
RUN = "a test run"


def _copies(child, by):
    """A child-protection file and a pupil record sent for ``child``, and one of each received."""
    for kind in envelope.KINDS:
        sending.prepare(
            student=child,
            by=by,
            starts_on=timezone.localdate(),
            school_name="Oldtown Primary",
            kind=kind,
        )
    for model in (ReceivedTransfer, ReceivedRecord):
        model.objects.create(
            transfer_id=uuid.uuid4(),
            student=child,
            from_school="Northgate School",
            sender_fingerprint="0000",
            format_version=1,
            content={"format": "as received"},
            receipt="{}",
        )


@pytest.fixture
def leavers(student_factory, dsl, teacher):
    """A child born in 1995 (their 25th birthday has passed) and a young one, each with a
    child-protection file and every kind of transfer."""
    from safeguarding import raising
    from safeguarding.models import ConcernSubject

    old = student_factory(first_name="Rowan", last_name="Ashby", date_of_birth=date(1995, 3, 4))
    young = student_factory(first_name="Ivy", last_name="Ashby", date_of_birth=date(2017, 5, 6))
    for child in (old, young):
        raising.raise_concern(
            teacher,
            {
                "idempotency_key": uuid.uuid4(),
                "category": "emotional",
                "urgency": "routine",
                "account": "She said her uncle shouts at night.",
                "happened_at": timezone.now(),
                "location": "Playground",
                "child_told": "told",
            },
            [(child, ConcernSubject.Part.SUBJECT)],
            [],
        )
        _copies(child, dsl)
    return old, young


MODELS = (Transfer, RecordTransfer, ReceivedTransfer, ReceivedRecord)


def test_every_transfer_model_has_a_kind_of_record():
    covered = {label for kind in registry.kinds.values() for label in kind.models}
    from django.apps import apps

    labels = {m._meta.label_lower for m in apps.get_app_config("transfers").get_models()}
    assert labels <= covered
    assert registry.kinds["child_protection_file_sent"].safeguarding
    assert registry.kinds["child_protection_file_sent"].fixed


def _about(model, child):
    """A child's rows of ``model``: by blind reference for a child-protection file's copies."""
    if hasattr(model.objects, "about"):
        return model.objects.about(child)
    return model.objects.filter(student=child)


def test_an_expired_copy_goes_with_the_file_in_one_run_and_the_trail_verifies(leavers, dsl):
    old, young = leavers
    result = apply(by=dsl, description=RUN)

    for model in MODELS:
        assert not _about(model, old).exists(), model
        assert _about(model, young).count() == 1, model
    assert not Student.objects.filter(pk=old.pk).exists()  # the copies no longer protect it
    kinds = sorted(c.kind for c in result.deleted)
    assert kinds == sorted(
        [
            "child_protection_file",
            "child_protection_file_sent",
            "child_protection_file_received",
            "pupil_record_sent",
            "pupil_record_received",
            "pupil_record",
        ]
    )
    assert not result.blocked
    # Each certificate names the copy by reference, never the child.
    for certificate in DeletionCertificate.objects.all():
        assert "Rowan" not in str(certificate.__dict__)
    checked, broken = verify_chain()
    assert broken is None and checked


@pytest.mark.parametrize(
    "scope, extra",
    [
        (LegalHold.Scope.CHILD, {"child": "old"}),
        (LegalHold.Scope.SAFEGUARDING, {}),
        (LegalHold.Scope.KIND, {"kind": "child_protection_file"}),
    ],
)
def test_a_hold_keeps_the_copy_with_the_file(leavers, dsl, scope, extra):
    old, _ = leavers
    if extra.get("child"):
        extra = {"child": old}
    LegalHold.objects.create(scope=scope, reason="A claim", placed_by=dsl, **extra)
    result = apply(by=dsl, description=RUN)
    assert Transfer.objects.about(old).exists()
    assert ReceivedTransfer.objects.about(old).exists()
    deleted = {c.kind for c in result.deleted}
    assert not deleted & {"child_protection_file_sent", "child_protection_file_received"}
    held = {r.kind.key for r in result.held}
    assert {"child_protection_file_sent", "child_protection_file_received"} <= held
    assert verify_chain()[1] is None


def test_a_copy_follows_the_rule_the_school_gave_its_file(leavers, head):
    old, _ = leavers
    RetentionRule.objects.create(
        kind="child_protection_file", years=40, action="delete", changed_by=head
    )
    apply(description=RUN)
    # The file is kept 40 years now: so is this school's copy of it, and the file received.
    assert Transfer.objects.about(old).exists()
    assert ReceivedTransfer.objects.about(old).exists()
