"""The schedule applied: what is due, what is held, and the deletion run (P4).

``Schedule`` reads the school's rules and the holds in force once; ``due`` lists each record
whose period has passed (the report, and the run with ``--dry-run``); ``apply`` deletes those
whose rule says delete and no hold covers, kind by kind in the registry's order (the
child-protection file before the pupil record it is found through), each record in its own
transaction with its certificate and one audit entry naming it by reference only; the labels of
the entries written about its rows before become neutral ("A pupil record (named by
reference)"), so what stays of it in the trail names it only by its key.
"""

import contextlib
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import PROTECT, RESTRICT, Model, ProtectedError, Q, RestrictedError
from django.db.models.signals import post_delete
from django.template.defaultfilters import pluralize
from django.utils import timezone

from confidentiality.audit import subject_key
from confidentiality.audit.chain import NEUTRAL_SUFFIX, neutralise_labels

from . import registry
from .models import DeletionCertificate, LegalHold, RetentionReview, RetentionRule
from .models.rules import Action


@dataclass(frozen=True)
class Rule:
    years: int
    action: str
    saved: bool  # the school changed it (else the toolkit's default)

    @property
    def action_label(self) -> str:
        return Action(self.action).label

    def describe(self, kind) -> str:
        if self.action == Action.KEEP:
            return f"{kind.label}: kept permanently"
        then = self.action_label.lower()
        years = f"{self.years} year{pluralize(self.years)}"
        return f"{kind.label}: {years} from {kind.clock}, then {then}"


@dataclass
class DueRecord:
    kind: registry.RecordKind
    found: registry.Found
    rule: Rule
    due_on: date
    holds: list = field(default_factory=list)  # the holds in force that cover it
    # Which kinds of record still refer to it, so the run cannot delete it ("Still needed by:
    # subject-access requests."): filled by ``Schedule.mark_still_needed`` for the report.
    needed_by: str = ""

    @property
    def held(self) -> bool:
        return bool(self.holds) or bool(self.found.waits_for)

    @property
    def reference(self) -> str:
        return subject_key(self.found.obj, blind=True)

    @property
    def will_be_deleted(self) -> bool:
        return self.rule.action == Action.DELETE and not self.held

    @property
    def held_because(self) -> str:
        reasons = [f"Legal hold {hold.reference}" for hold in self.holds]
        if self.found.waits_for:
            reasons.append(self.found.waits_for)
        return " ".join(reasons)


class Schedule:
    def __init__(self, today: date | None = None):
        self.today = today or timezone.localdate()
        saved = {rule.kind: rule for rule in RetentionRule.objects.all()}
        self.rules = {}
        for kind in registry.kinds.values():
            row = saved.get(kind.key)
            if row is not None and not kind.fixed:
                # Never below the law's minimum, even for a row written around the rules page.
                years = max(row.years, kind.least_years)
                self.rules[kind.key] = Rule(years, row.action, saved=True)
            else:
                self.rules[kind.key] = Rule(kind.years, kind.action, saved=False)
        self.holds = list(LegalHold.objects.in_force())
        # The latest date each reviewed record is kept until: not due again before it.
        self.kept_until = {}
        for kind, reference, until in RetentionReview.objects.values_list(
            "kind", "reference", "keep_until"
        ):
            key = (kind, reference)
            self.kept_until[key] = max(until, self.kept_until.get(key, until))

    def years(self, key: str) -> int:
        return self.rules[key].years

    def holds_on(self, kind, found) -> list:
        """The holds in force covering the record: a hold on any child it concerns covers it,
        not only on the child it is filed under (a concern naming two children is held by a
        hold on either)."""
        covering = []
        about = (found.child, *found.also_about)
        child_refs = {LegalHold.child.ref(child) for child in about if child is not None}
        for hold in self.holds:
            scope = hold.scope
            if (
                scope == LegalHold.Scope.EVERYTHING
                or (scope == LegalHold.Scope.SAFEGUARDING and kind.safeguarding)
                or (scope == LegalHold.Scope.KIND and hold.kind == kind.key)
                or (scope == LegalHold.Scope.CHILD and hold.child_ref in child_refs)
            ):
                covering.append(hold)
        return covering

    def due_of(self, kind) -> list[DueRecord]:
        rule = self.rules[kind.key]
        if rule.action == Action.KEEP or kind.find is None:
            return []
        found = []
        for item in kind.find(self):
            due_on = registry.years_after(item.starts_on, rule.years)
            reviewed = self.kept_until.get((kind.key, subject_key(item.obj, blind=True)))
            if reviewed is not None and reviewed > due_on:
                due_on = reviewed
            if due_on <= self.today:
                found.append(DueRecord(kind, item, rule, due_on, self.holds_on(kind, item)))
        return sorted(found, key=lambda record: record.due_on)

    def find_due(self, kind, reference: str) -> DueRecord | None:
        """The record of ``kind`` with this blind reference, if it is due now."""
        return next((r for r in self.due_of(kind) if r.reference == reference), None)

    def due(self) -> list[DueRecord]:
        return [record for kind in registry.in_order() for record in self.due_of(kind)]

    @staticmethod
    def mark_still_needed(records: list[DueRecord]) -> None:
        """Say, on each record the next run would delete, which kinds of record of another app
        still refer to it and would stop its deletion (a transfer or an open subject-access
        request keeps the pupil record), as the run says of what it could not delete, without
        deleting anything. A reference from a record the same run deletes first does not count.

        One query per protecting relation of each kind of row, whatever the number of records.
        Only the references to the row itself are looked at: the run remains the judge, and
        reports anything deeper it meets ("Not deleted", ``RunResult.blocked``)."""
        going = {(type(r.found.obj), r.found.obj.pk) for r in records if r.will_be_deleted}
        deletable = {}
        for record in records:
            if record.will_be_deleted and isinstance(record.found.obj, Model):
                deletable.setdefault(type(record.found.obj), {})[record.found.obj.pk] = record
        for model, by_pk in deletable.items():
            needed = {}
            for relation in model._meta.related_objects:
                if relation.on_delete not in (PROTECT, RESTRICT):
                    continue
                other = relation.related_model
                rows = other._base_manager.filter(
                    **{f"{relation.field.name}__in": list(by_pk)}
                ).values_list("pk", relation.field.attname)
                for pk, target in rows:
                    if (other, pk) not in going:
                        needed.setdefault(target, set()).add(str(other._meta.verbose_name_plural))
            for pk, names in needed.items():
                by_pk[pk].needed_by = "Still needed by: " + ", ".join(sorted(names)) + "."


@dataclass
class RunResult:
    run: uuid.UUID
    dry_run: bool = False
    deleted: list = field(default_factory=list)  # certificates (unsaved after a dry run)
    held: list = field(default_factory=list)  # DueRecords kept by a hold or a wait
    for_review: list = field(default_factory=list)  # DueRecords whose rule says review
    blocked: list = field(default_factory=list)  # (DueRecord, why) another record needs it


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything it did back."""


def apply(*, dry_run: bool = False, by=None, description: str, today=None) -> RunResult:
    """Delete every record due for deletion and not held. Each kind is found again at its
    turn, so a record that depended on another (the pupil record waiting for the child's file)
    is judged after that one is gone.

    A dry run is the same run inside one transaction that is rolled back at the end, so it
    says exactly what the real run would delete, in the same order, including what another
    record still needs (only deleting finds every protection, and a record may depend on one
    deleted before it). It writes nothing: no certificate, no audit entry, no seal, no label
    replaced (its certificates are never saved), so no id is taken from any sequence and the
    trail has no gap; the deletions themselves are rolled back."""
    result = RunResult(run=uuid.uuid4(), dry_run=dry_run)
    if not dry_run:
        return _run(result, by, description, today)
    try:
        with transaction.atomic():
            _run(result, by, description, today, dry_run=True)
            raise _DryRun
    except _DryRun:
        pass
    return result


def _run(result, by, description, today, dry_run=False) -> RunResult:
    schedule = Schedule(today)
    for kind in registry.in_order():
        for record in schedule.due_of(kind):
            if record.held:
                result.held.append(record)
            elif record.rule.action == Action.REVIEW:
                result.for_review.append(record)
            else:
                try:
                    result.deleted.append(
                        _delete(record, schedule, result.run, by, description, dry_run)
                    )
                except (ProtectedError, RestrictedError) as refused:
                    result.blocked.append((record, _needed_by(refused)))
    return result


def _needed_by(refused) -> str:
    """Which kinds of record still need it, in words (never which record nor its content)."""
    names = sorted({str(obj._meta.verbose_name_plural) for obj in refused.protected_objects})
    return "Still needed by: " + ", ".join(names) + "."


@contextlib.contextmanager
def _rows_deleted():
    """Every row deleted in this thread inside the block, as ``{model: [pk, ...]}``. Listening
    to every model's deletion also stops Django's fast path that deletes without loading the
    rows, so none is missed."""
    rows, thread = {}, threading.get_ident()

    def remember(sender, instance, **kwargs):
        if threading.get_ident() == thread:
            rows.setdefault(sender, []).append(instance.pk)

    uid = f"retention-rows-deleted-{thread}"
    post_delete.connect(remember, weak=False, dispatch_uid=uid)
    try:
        yield rows
    finally:
        post_delete.disconnect(dispatch_uid=uid)


def _neutralise(rows, certificate) -> None:
    """The labels of the entries about every deleted row become "A <kind> (named by
    reference)": an entry written when the child was on roll may be labelled with their name
    (a pupil record's label is the child's name). The entries stay, with the row's key."""

    def neutral(row) -> str:
        model = apps.get_model(row["content_type__app_label"], row["content_type__model"])
        return f"A {model._meta.verbose_name} {NEUTRAL_SUFFIX}"

    about = Q(pk__in=[])
    for model, pks in rows.items():
        kind = ContentType.objects.get_for_model(model)
        about |= Q(content_type=kind, object_pk__in=[str(pk) for pk in pks])
    neutralise_labels(LogEntry.objects.filter(about), neutral, about=certificate)


def _delete(record: DueRecord, schedule, run, by, description, dry_run) -> DeletionCertificate:
    """One record, its certificate and its audit entry, together or not at all.

    Django's cascade would make auditlog write one entry per row removed, each labelled with
    the row's own words (a family message is "Message to the family of <child>"): the deletion
    is recorded instead as one entry naming the record only by its blind reference, with how
    many rows of each kind went with it. The encrypted values go with their rows."""
    kind, reference = record.kind, record.reference
    with transaction.atomic():
        with disable_auditlog(), _rows_deleted() as rows:
            removed = kind.delete(record.found.obj, schedule)
        certificate = DeletionCertificate(
            kind=kind.key,
            kind_label=kind.label,
            reference=reference,
            rule=record.rule.describe(kind),
            toolkit_reference=kind.toolkit[:200],
            due_on=record.due_on,
            run=run,
            run_by=by,
            run_description=description[:200],
            rows_removed=removed,
        )
        if dry_run:  # said, never written: the caller rolls the deletion back
            return certificate
        certificate.save()
        _neutralise(rows, certificate)
        LogEntry.objects.log_create(
            certificate,
            action=LogEntry.Action.DELETE,
            force_log=True,
            actor=by,
            changes_text="",
            changes=None,
            object_repr=f"A {kind.label.lower()} deleted under the retention schedule "
            "(named by reference)",
            additional_data={
                "how": "retention",
                # The trail's "who has seen this" finds the deletion under the record's key.
                "subject": reference,
                "record": reference,
                "kind": kind.key,
                "certificate": certificate.pk,
                "rows_removed": removed,
            },
        )
    return certificate
