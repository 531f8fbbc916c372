"""The tamper-evident chain over the audit log (see ``AuditSeal``)."""

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

GENESIS = "0" * 64
CHAIN_LOCK = 7_340_901  # an arbitrary, fixed PostgreSQL advisory-lock number for the chain
SEAL_GRACE_SECONDS = 1  # how long an entry found without a seal may still be getting one

SEALED_FIELDS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_repr",
    "action",
    "changes_text",
    "changes",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
)


# An entry's label (``object_repr``) is the object's name when the entry was written, and for
# some objects that is a person's name (a pupil record's label is the child's). Seals written
# since labels were sealed by digest cover ``label_digest(label)`` in its place, so when a record
# is deleted under the retention schedule its entries' labels can be replaced by the neutral form
# "A <kind> (named by reference)" and the chain still verifies: the replacement is itself an
# entry (``NEUTRALISED``) that keeps, for each entry, the replaced label's digest and the
# digest of the exact neutral label put in its place: a label rewritten again afterwards, even
# to another "(named by reference)" form, is a break. Older seals cover the label itself; their
# labels are never replaced. See ``neutralise_labels``.
NEUTRAL_SUFFIX = "(named by reference)"
NEUTRALISED = "labels neutralised"


def label_digest(label: str) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, b"label|" + str(label).encode(), hashlib.sha256).hexdigest()


def _canonical(row: dict, actor_id, label: str | None = None) -> bytes:
    """The sealed content of an entry; with ``label``, that digest stands for ``object_repr``."""
    values = {name: row[name] for name in SEALED_FIELDS}
    values["timestamp"] = row["timestamp"].isoformat()
    values["actor_id"] = actor_id
    if label is not None:
        values["object_repr"] = label
    return json.dumps(values, sort_keys=True, default=str, separators=(",", ":")).encode()


def _digest(previous: str, row: dict, actor_id, label: str | None = None) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(
        key, previous.encode() + b"|" + _canonical(row, actor_id, label), hashlib.sha256
    ).hexdigest()


def _seals(previous: str, row: dict, actor_id, seal_digest: str, replaced: dict) -> bool:
    """Whether ``seal_digest`` seals this row: by the digest of its label (newer seals), by a
    neutralised label's recorded digest when the label is exactly the neutral label recorded
    with it, or by the label itself (older seals)."""
    label = row["object_repr"]
    if _digest(previous, row, actor_id, label_digest(label)) == seal_digest:
        return True
    original, neutral = replaced.get(row["id"], (None, None))
    if original and neutral and hmac.compare_digest(label_digest(label), neutral):
        return _digest(previous, row, actor_id, original) == seal_digest
    return _digest(previous, row, actor_id) == seal_digest


def _row(entry_id: int) -> dict | None:
    return LogEntry.objects.filter(pk=entry_id).values(*SEALED_FIELDS, "actor_id").first()


def seal_entry(sender, instance, created, **kwargs):
    """post_save receiver: chain each new entry to the one before, inside the same transaction."""
    if not created:
        return
    from confidentiality.models import AuditSeal

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditSeal.objects.order_by("-id").values_list("digest", flat=True).first()
        previous = last or GENESIS
        row = _row(instance.pk)
        AuditSeal.objects.create(
            entry_id=instance.pk,
            actor_id=row["actor_id"],
            previous=previous,
            digest=_digest(previous, row, row["actor_id"], label_digest(row["object_repr"])),
        )


@dataclass
class Break:
    entry_id: int
    problem: str

    def __str__(self):
        return f"audit entry {self.entry_id}: {self.problem}"


@dataclass(frozen=True)
class Head:
    """How far the verified chain reaches: what a checkpoint keeps (see ``checkpoint.py``)."""

    entries: int
    last_entry_id: int | None
    last_digest: str


def verify_chain(batch: int = 2000) -> tuple[int, Break | None]:
    """Walk the chain in order. Returns (entries checked, the first break or None)."""
    head, broken = verify_head(batch)
    return head.entries, broken


def verify_head(batch: int = 2000) -> tuple[Head, Break | None]:
    """Walk the chain in order. Returns (the intact part's head, the first break or None)."""
    from confidentiality.models import AuditSeal

    previous = GENESIS
    checked = 0
    last_entry_id = None

    def head():
        return Head(checked, last_entry_id, previous if checked else "")

    replaced = _replaced_labels()
    for seals in _batches(AuditSeal.objects.order_by("id"), batch):
        rows = {
            row["id"]: row
            for row in LogEntry.objects.filter(pk__in=[s.entry_id for s in seals]).values(
                *SEALED_FIELDS, "actor_id"
            )
        }
        for seal in seals:
            if seal.previous != previous:
                return head(), Break(seal.entry_id, "the entry before it was removed or re-sealed")
            row = rows.get(seal.entry_id)
            if row is None:
                return head(), Break(seal.entry_id, "removed from the log")
            if row["actor_id"] != seal.actor_id and not (
                row["actor_id"] is None and _user_deleted(seal.actor_id)
            ):
                return head(), Break(seal.entry_id, "its actor was changed")
            if not _seals(previous, row, seal.actor_id, seal.digest, replaced):
                return head(), Break(seal.entry_id, "altered after it was written")
            previous = seal.digest
            last_entry_id = seal.entry_id
            checked += 1
    unsealed = _still_unsealed()
    if unsealed is not None:
        return head(), Break(unsealed, "inserted behind the application's back (no seal)")
    return head(), None


def _replaced_labels() -> dict[int, tuple[str, str]]:
    """``{entry id: (digest of its original label, digest of its neutral label)}`` from the
    entries that neutralised labels (themselves sealed, so a digest cannot be slipped in). An
    entry's label is neutralised once: the first record of it counts."""
    replaced = {}
    for data in (
        LogEntry.objects.filter(additional_data__how=NEUTRALISED)
        .order_by("id")
        .values_list("additional_data", flat=True)
    ):
        for pk, digests in data.get("labels", {}).items():
            # A record without the neutral label's digest proves nothing about the label now.
            if isinstance(digests, dict):
                replaced.setdefault(int(pk), (digests.get("original"), digests.get("neutral")))
    return replaced


def neutralise_labels(entries, neutral_label, about) -> int:
    """Replace the labels of ``entries`` (a queryset of log entries) by the neutral form
    ``neutral_label(entry)``, which must end with ``NEUTRAL_SUFFIX``, keeping the chain
    verifiable: first one entry about ``about`` (e.g. the deletion certificate) recording each
    replaced label's digest and its neutral label's digest, then the labels. Only entries
    sealed by the digest of their label are changed (older ones keep theirs); returns how many.
    Call it inside the transaction that deletes what the entries are about."""
    from confidentiality.models import AuditSeal

    rows = list(
        entries.exclude(object_repr__endswith=NEUTRAL_SUFFIX).values(
            *SEALED_FIELDS, "actor_id", "content_type__app_label", "content_type__model"
        )
    )
    if not rows:
        return 0
    seals = AuditSeal.objects.in_bulk([row["id"] for row in rows], field_name="entry_id")
    labels = {}
    for row in rows:
        seal = seals.get(row["id"])
        if (
            seal
            and _digest(seal.previous, row, seal.actor_id, label_digest(row["object_repr"]))
            == seal.digest
        ):
            labels[row["id"]] = neutral_label(row)
    if not labels:
        return 0
    if not all(label.endswith(NEUTRAL_SUFFIX) for label in labels.values()):
        raise ValueError(f"a neutral label ends with {NEUTRAL_SUFFIX!r}")
    LogEntry.objects.log_create(
        about,
        action=LogEntry.Action.UPDATE,
        force_log=True,
        object_repr=f"Labels of {len(labels)} entries replaced by references",
        changes_text="",
        changes=None,
        additional_data={
            "how": NEUTRALISED,
            "labels": {
                str(row["id"]): {
                    "original": label_digest(row["object_repr"]),
                    "neutral": label_digest(labels[row["id"]]),
                }
                for row in rows
                if row["id"] in labels
            },
        },
    )
    for entry_id, label in labels.items():
        LogEntry.objects.filter(pk=entry_id).update(object_repr=label)
    return len(labels)


def _still_unsealed() -> int | None:
    """The first entry without a seal. An entry written this very moment is committed a moment
    before its seal (the seal is written by the entry's post_save), so entries found unsealed
    are looked at again after a short pause: only one still unsealed then is a break."""
    from confidentiality.models import AuditSeal

    def unsealed(among=None):
        entries = LogEntry.objects.exclude(pk__in=AuditSeal.objects.values("entry_id"))
        if among is not None:
            entries = entries.filter(pk__in=among)
        return list(entries.order_by("id").values_list("id", flat=True)[:100])

    found = unsealed()
    if not found:
        return None
    time.sleep(SEAL_GRACE_SECONDS)
    found = unsealed(among=found)
    return found[0] if found else None


def _user_deleted(user_id) -> bool:
    """Deleting a user blanks the actor of their entries (SET_NULL); that alone is allowed."""
    return user_id is not None and not get_user_model().objects.filter(pk=user_id).exists()


def _batches(queryset, size: int) -> Iterator[list]:
    last = 0
    while True:
        chunk = list(queryset.filter(id__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].id
