"""The transfers app's kinds of record on the retention schedule (``retention.registry``, P4).

"The sending school keeps its copy under retention": each copy is kept and destroyed with what
it is a copy of, so no copy outlives the file or record it came from, nor goes before it.

- A child-protection file sent, and one received, follow the child-protection file's rule (the
  IRMS toolkit: until the child's 25th birthday), whatever the school has made it.
- A pupil record sent, and one received, follow the pupil record's rule.
- Partner schools and this school's keys are about no child: kept while the school uses them.

Each copy's rule is fixed (it is the rule of the file it follows, changed there). A run deletes
each copy just after what it follows (its turn comes after the child-protection file, and before
the pupil record: a copy refers to the child), so one run removes both.
"""

from confidentiality.roles import Role
from retention.models.rules import Action
from retention.policy import may_manage_retention
from retention.registry import Found, RecordKind, register, years_after

from .models import ReceivedRecord, ReceivedTransfer, RecordTransfer, Transfer


def _the_dsl(user) -> bool:
    return may_manage_retention(user) and user.has_role(Role.DSL)


def _managing(user) -> bool:
    return may_manage_retention(user)


def _following(model, rule_key: str, words):
    """Each row of ``model``, due when its child's file or record under ``rule_key`` is: its
    clock is the day that rule's period ends (nothing, while that rule keeps or reviews), and it
    waits while that file or record is held or waits itself, so the copy goes with it and never
    before it. The files themselves are not read to find them."""
    heavy = [f.name for f in model._meta.concrete_fields if f.name in _FILE_FIELDS]

    def find(schedule):
        from retention import registry

        rule = schedule.rules[rule_key]
        if rule.action != Action.DELETE:
            return
        followed = registry.kinds[rule_key]
        kept = {
            found.child.pk
            for found in followed.find(schedule)
            if found.waits_for or schedule.holds_on(followed, found)
        }
        rows = model.objects.defer(*heavy)
        # A child-protection file's copies link their child blind: loaded for the list at once.
        blind = hasattr(rows, "with_children")
        for row in rows.with_children() if blind else rows.select_related("student"):
            born = row.student.date_of_birth if row.student else None
            if born is None:
                continue
            yield Found(
                obj=row,
                starts_on=years_after(born, rule.years),
                label=words(row),
                child=row.student,
                waits_for=(
                    f"Kept with the child's {followed.label.lower()}, which is still kept."
                    if row.student.pk in kept
                    else ""
                ),
            )

    return find


_FILE_FIELDS = {"sealed_file", "readable_copy", "receipt", "content"}


def _delete(obj, schedule) -> int:
    removed, _ = obj.delete()
    return removed


FOLLOWS_CP = "the day the child's child-protection file is due (their date of birth + its period)"
FOLLOWS_RECORD = "the day the child's pupil record is due (their date of birth + its period)"

register(
    RecordKind(
        key="child_protection_file_sent",
        label="Child-protection files sent to other schools",
        covers=(
            "This school's copy of a child's child-protection file sent to their next school: "
            "the sealed file, its readable copy and the receipt. Kept and destroyed with the "
            "child-protection file."
        ),
        clock=FOLLOWS_CP,
        years=0,
        action=Action.DELETE,
        toolkit="IRMS toolkit for schools: child protection files, date of birth + 25 years "
        "(the sending school keeps its copy with the file)",
        order=11,
        models=("transfers.transfer",),
        find=_following(
            Transfer,
            "child_protection_file",
            lambda t: f"Child-protection file of {t.student} sent to {t.school_name}",
        ),
        delete=_delete,
        shown_to=_the_dsl,
        safeguarding=True,
        fixed=True,
    )
)
register(
    RecordKind(
        key="child_protection_file_received",
        label="Child-protection files received from other schools",
        covers=(
            "A child-protection file imported from a child's earlier school: part of the "
            "child's child-protection file here, kept and destroyed with it."
        ),
        clock=FOLLOWS_CP,
        years=0,
        action=Action.DELETE,
        toolkit="IRMS toolkit for schools: child protection files, date of birth + 25 years",
        order=11,
        models=("transfers.receivedtransfer",),
        find=_following(
            ReceivedTransfer,
            "child_protection_file",
            lambda r: f"Child-protection file of {r.student} received from {r.from_school}",
        ),
        delete=_delete,
        shown_to=_the_dsl,
        safeguarding=True,
        fixed=True,
    )
)
register(
    RecordKind(
        key="pupil_record_sent",
        label="Pupil records sent to other schools",
        covers=(
            "This school's copy of a child's pupil record sent to their next school: the sealed "
            "file, its readable copy and the receipt. Kept and destroyed with the pupil record."
        ),
        clock=FOLLOWS_RECORD,
        years=0,
        action=Action.DELETE,
        toolkit="IRMS toolkit for schools: pupil's educational record, date of birth + 25 years",
        order=89,
        models=("transfers.recordtransfer",),
        find=_following(
            RecordTransfer,
            "pupil_record",
            lambda t: f"Pupil record of {t.student} sent to {t.school_name}",
        ),
        delete=_delete,
        shown_to=_managing,
        fixed=True,
    )
)
register(
    RecordKind(
        key="pupil_record_received",
        label="Pupil records received from other schools",
        covers=(
            "A pupil record imported from a child's earlier school, as it came: part of the "
            "child's record here, kept and destroyed with it."
        ),
        clock=FOLLOWS_RECORD,
        years=0,
        action=Action.DELETE,
        toolkit="IRMS toolkit for schools: pupil's educational record, date of birth + 25 years",
        order=89,
        models=("transfers.receivedrecord",),
        find=_following(
            ReceivedRecord,
            "pupil_record",
            lambda r: f"Pupil record of {r.student} received from {r.from_school}",
        ),
        delete=_delete,
        shown_to=_managing,
        fixed=True,
    )
)
register(
    RecordKind(
        key="transfer_partners",
        label="Partner schools and this school's transfer keys",
        covers=(
            "The schools whose keys were recorded to send them files, and this school's own "
            "keys. About no child: kept while the school uses them."
        ),
        clock="the day they were recorded",
        years=0,
        action=Action.KEEP,
        toolkit="Not in the toolkit: the school's schedule (about no one)",
        order=100,
        models=("transfers.partnerschool", "transfers.schoolkeys"),
        fixed=True,
    )
)
