"""The tamper-evident chain over the audit log (see ``AuditSeal``)."""

import hashlib
import hmac
import ipaddress
import json
import multiprocessing
import re
import time
from dataclasses import dataclass
from datetime import UTC

import orjson
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

GENESIS = "0" * 64
CHAIN_LOCK = 7_340_901  # an arbitrary, fixed PostgreSQL advisory-lock number for the chain
SEAL_GRACE_SECONDS = 1  # how long an entry found without a seal may still be getting one
FETCH = 20_000  # links read at a time when the chain is verified
PARALLEL_FROM = 200_000  # a shorter chain is checked faster by one process than by two
JSON_REMEMBERED = 50_000  # JSON values whose sealed encoding is kept, as many are alike
LABELS_REMEMBERED = 100_000  # labels whose digest is kept (a child's name labels many entries)

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
    return _label_digest(settings.AUDIT_CHAIN_KEY.encode(), label)


def _label_digest(key: bytes, label) -> str:
    return hmac.digest(key, _label_message(label), "sha256").hex()


def _label_message(label) -> bytes:
    """What a label's digest signs (the chain's check signs it with its own keyed hash)."""
    return b"label|" + str(label).encode()


# The sealed content is ``json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))``
# of the entry's sealed fields and its actor. It is written out by hand here, key by key in
# sorted order, because the chain is verified over millions of entries; the bytes must stay
# exactly those of ``json.dumps`` or every existing seal would break (tests/core compare them).
SEALED_KEYS = tuple(sorted((*SEALED_FIELDS, "actor_id")))
_LABEL_AT = SEALED_KEYS.index("object_repr")
_BEFORE_LABEL = "{" + ",".join(f'"{name}":%s' for name in SEALED_KEYS[:_LABEL_AT]) + ","
_AFTER_LABEL = "," + ",".join(f'"{name}":%s' for name in SEALED_KEYS[_LABEL_AT + 1 :]) + "}"
_LABEL_KEY = '"object_repr":'
_json_string = json.encoder.encode_basestring_ascii


def _json(value) -> str:
    """``json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))``, quicker for
    the plain values almost every field holds."""
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def _around_label(row: dict, actor_id) -> tuple[str, str]:
    """The sealed content of an entry before and after its label's value."""
    values = {name: row[name] for name in SEALED_FIELDS}
    values["timestamp"] = row["timestamp"].isoformat()
    values["actor_id"] = actor_id
    encoded = [_json(values[name]) for name in SEALED_KEYS]
    return (
        _BEFORE_LABEL % tuple(encoded[:_LABEL_AT]) + _LABEL_KEY,
        _AFTER_LABEL % tuple(encoded[_LABEL_AT + 1 :]),
    )


def _canonical(row: dict, actor_id, label: str | None = None) -> bytes:
    """The sealed content of an entry; with ``label``, that digest stands for ``object_repr``."""
    before, after = _around_label(row, actor_id)
    return (before + _json(row["object_repr"] if label is None else label) + after).encode()


def _digest(previous: str, row: dict, actor_id, label: str | None = None) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.digest(
        key, previous.encode() + b"|" + _canonical(row, actor_id, label), "sha256"
    ).hex()


def seal_digest(key: bytes, previous: str, row: dict) -> str:
    """The digest a new entry is sealed with (its label by digest), ``row`` holding its
    ``SEALED_FIELDS`` and ``actor_id`` as the database gives them back."""
    before, after = _around_label(row, row["actor_id"])
    label = _json(_label_digest(key, row["object_repr"]))
    return hmac.digest(key, f"{previous}|{before}{label}{after}".encode(), "sha256").hex()


def _row(entry_id: int) -> dict | None:
    return LogEntry.objects.filter(pk=entry_id).values(*SEALED_FIELDS, "actor_id").first()


def stored_form(entry: dict) -> dict | None:
    """An entry's sealed values (``SEALED_FIELDS`` and ``actor_id``) as the database will give
    them back, so it can be sealed without reading it again; None when the database may write
    one differently from Python (a fraction in JSON or an IPv6 address with an IPv4 part, on
    PostgreSQL): such an entry is read back before it is sealed."""
    postgresql = connection.vendor == "postgresql"
    address = entry["remote_addr"]
    if address:
        address = _ADDRESS.get_prep_value(address)
        if postgresql and ":" in address and ipaddress.ip_address(address).packed[:10] == bytes(10):
            return None
    values = {
        "id": entry["id"],
        "content_type_id": entry["content_type_id"],
        "object_pk": str(entry["object_pk"]),
        "object_repr": str(entry["object_repr"]),
        "action": int(entry["action"]),
        "changes_text": str(entry["changes_text"] or ""),
        "changes": _json_stored(entry["changes"]),
        "cid": None if entry["cid"] is None else str(entry["cid"]),
        "remote_addr": address or None,
        "remote_port": None if entry["remote_port"] is None else int(entry["remote_port"]),
        "timestamp": entry["timestamp"].astimezone(UTC),
        "additional_data": _json_stored(entry["additional_data"]),
        "actor_id": entry["actor_id"],
    }
    if postgresql and any(_has_fraction(values[name]) for name in ("changes", "additional_data")):
        return None
    return values


_ADDRESS = LogEntry._meta.get_field("remote_addr")


def _json_stored(value):
    return None if value is None else json.loads(json.dumps(value))


def _has_fraction(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_fraction(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_fraction(item) for item in value)
    return False


# One round trip for the chain's lock and its newest digest. A VOLATILE function reads with a
# snapshot taken after the lock is held (a plain SELECT would read with one taken before, and
# could miss the seal another request committed while this one waited: a fork).
PG_HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION confidentiality_chain_head() RETURNS text AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    RETURN (SELECT digest FROM confidentiality_auditseal ORDER BY id DESC LIMIT 1);
END
$$ LANGUAGE plpgsql VOLATILE;
"""  # noqa: S608 (a fixed statement)
_head_function: dict[str, bool] = {}  # per database alias: whether it is installed


def _lock_and_read_head() -> str:
    """The newest seal's digest, the chain locked for this transaction (PostgreSQL; SQLite
    writes one transaction at a time)."""
    from confidentiality.models import AuditSeal

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if has_head_function():
                cursor.execute("SELECT confidentiality_chain_head()")
                return cursor.fetchone()[0] or GENESIS
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    return AuditSeal.objects.order_by("-id").values_list("digest", flat=True).first() or GENESIS


def has_head_function() -> bool:
    """Whether this PostgreSQL database has ``confidentiality_chain_head`` (asked once)."""
    if _head_function.get(connection.alias) is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regproc('confidentiality_chain_head') IS NOT NULL")
            _head_function[connection.alias] = cursor.fetchone()[0]
    return _head_function[connection.alias]


class _SealedHere:
    """The newest digest this transaction sealed. The chain's lock is held until the transaction
    ends, so while that seal stands nobody else can have sealed after it: the next entry of the
    same request chains to it without reading the head again.

    Whether the seal still stands is Django's own bookkeeping: the marker is registered with
    ``on_commit``, and Django drops it when the transaction ends either way, or when a savepoint
    it was registered in is rolled back (taking the seal with it). One marker per savepoint
    scope, so a seal made inside a savepoint never outlives that savepoint's rollback."""

    def __init__(self, digest: str, scope: list):
        self.digest = digest
        self.scope = scope

    def __call__(self):  # on commit: nothing to do, the marker only had to be there
        pass


def _sealed_here() -> "_SealedHere | None":
    # Only in a transaction ``atomic`` began and will end (so Django's bookkeeping sees its end):
    # under manual transaction management a ``commit()`` keeps the callbacks, and the memo would
    # outlive the lock. Savepoints made by hand (the ``savepoint`` function of Django's
    # transaction module) are not tracked either: the project never makes them (tested in
    # tests/core/test_audit_at_scale.py).
    if not (connection.in_atomic_block and connection.commit_on_exit):
        return None
    # The marker is the newest callback of its scope: look from the end.
    for _scope, func, _robust in reversed(connection.run_on_commit):
        if isinstance(func, _SealedHere):
            return func
    return None


def remember_head(digest: str) -> None:
    marker = _sealed_here()
    scope = list(connection.savepoint_ids)
    if marker is not None and marker.scope == scope:
        marker.digest = digest
    else:
        transaction.on_commit(_SealedHere(digest, scope))


def seal_entry(sender, instance, created, **kwargs):
    """post_save receiver: chain each new entry to the one before, inside the same transaction,
    from the values in hand (read back only when the database may store one differently)."""
    if not created:
        return
    from confidentiality.models import AuditSeal

    row = stored_form({name: getattr(instance, name) for name in (*SEALED_FIELDS, "actor_id")})
    with transaction.atomic(savepoint=False):
        marker = _sealed_here()
        previous = marker.digest if marker is not None else _lock_and_read_head()
        if row is None:
            row = _row(instance.pk)
        digest = seal_digest(settings.AUDIT_CHAIN_KEY.encode(), previous, row)
        AuditSeal.objects.create(
            entry_id=instance.pk, actor_id=row["actor_id"], previous=previous, digest=digest
        )
        remember_head(digest)


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


# Set for the length of one verification (and inherited by its processes).
_replaced: "_ReplacedLabels | None" = None
_json_seen: dict[str, str] = {}
_deleted_users: dict[int, bool] = {}


def verify_chain(batch: int = FETCH, workers: int = 1) -> tuple[int, Break | None]:
    """Walk the chain in order. Returns (entries checked, the first break or None)."""
    head, broken = verify_head(batch, workers)
    return head.entries, broken


def verify_head(
    batch: int = FETCH, workers: int = 1, parallel_from: int = PARALLEL_FROM
) -> tuple[Head, Break | None]:
    """Walk the chain in order. Returns (the intact part's head, the first break or None).

    The chain is read as one ordered stream of seals joined to their entries (a server-side
    cursor on PostgreSQL, ``batch`` rows at a time), so memory stays the same whatever its
    length. With ``workers`` > 1 a long chain is cut into that many runs of seals checked side
    by side; each run starts from the digest of the seal just before it, so the links between
    runs are checked as every other link is."""
    global _replaced
    _replaced = _ReplacedLabels.load()
    _deleted_users.clear()
    try:
        runs = _runs(workers, parallel_from)
        parts = _in_processes(runs, batch) if len(runs) > 1 else [_verify_run(runs[0], batch)]
    finally:
        _replaced = None
        _json_seen.clear()
    head = Head(0, None, "")
    for part in parts:
        if part.checked:
            head = Head(head.entries + part.checked, part.last_entry_id, part.last_digest)
        if part.broken is not None:
            return head, part.broken
    unsealed = _still_unsealed(head.entries)
    if unsealed is not None:
        return head, Break(unsealed, "inserted behind the application's back (no seal)")
    return head, None


@dataclass(frozen=True)
class _Part:
    checked: int
    last_entry_id: int | None
    last_digest: str
    broken: Break | None


def _runs(workers: int, parallel_from: int) -> list[tuple[int | None, int | None]]:
    """The runs of seal ids (after, up to) to check: one, unless the chain is long, there is a
    second core to use and the database can be read from another process."""
    from confidentiality.models import AuditSeal

    if (
        workers < 2
        or connection.vendor != "postgresql"
        or connection.in_atomic_block  # another process would not see this transaction
        or multiprocessing.current_process().daemon  # a daemon may not start processes
    ):
        return [(None, None)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {AuditSeal._meta.db_table}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None or high - low < parallel_from:
        return [(None, None)]
    span = high - low + 1
    cuts = [low - 1 + span * n // workers for n in range(1, workers)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def _in_processes(runs, batch: int) -> list[_Part]:
    connections.close_all()  # each process opens its own
    with multiprocessing.get_context("fork").Pool(len(runs), _own_connections) as pool:
        return pool.starmap(_verify_run, [(run, batch) for run in runs])


def _own_connections():
    """In a forked process: forget any database connection inherited from the parent without
    closing it (it is the parent's), so this process opens its own session. Two processes on one
    inherited session would interleave their cursors."""
    for conn in connections.all(initialized_only=True):
        conn.connection = None
        conn.in_atomic_block = False
        conn.savepoint_ids = []
        conn.needs_rollback = False
        conn.closed_in_transaction = False


def _sql(after: int | None, up_to: int | None) -> tuple[str, list]:
    from confidentiality.models import AuditSeal

    text = "::text" if connection.vendor == "postgresql" else ""
    where, params = [], []
    if after is not None:
        where.append("s.id > %s")
        params.append(after)
    if up_to is not None:
        where.append("s.id <= %s")
        params.append(up_to)
    # The entry's columns in the order of SEALED_KEYS (its actor is the seal's, see _checker).
    columns = (
        "s.entry_id, s.actor_id, s.previous, s.digest, e.id, e.actor_id, e.action, "
        f"e.additional_data{text}, e.changes{text}, e.changes_text, e.cid, e.content_type_id, "
        "e.object_pk, e.object_repr, e.remote_addr, e.remote_port, e.timestamp"
    )
    seals, entries = AuditSeal._meta.db_table, LogEntry._meta.db_table
    joined = f"{seals} s LEFT JOIN {entries} e ON e.id = s.entry_id"
    where = f"WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {columns} FROM {joined} {where} ORDER BY s.id", params  # noqa: S608


def _start(after: int | None) -> str:
    from confidentiality.models import AuditSeal

    if after is None:
        return GENESIS
    seal = AuditSeal.objects.filter(id__lte=after).order_by("-id").values_list("digest").first()
    return seal[0] if seal else GENESIS


def _verify_run(run: tuple[int | None, int | None], batch: int) -> _Part:
    after, up_to = run
    previous = _start(after)
    checked, last_entry_id = 0, None
    check = _checker(settings.AUDIT_CHAIN_KEY.encode())
    sql, params = _sql(after, up_to)
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            for row in rows:
                problem = check(row, previous)
                if problem:
                    return _Part(checked, last_entry_id, previous, Break(row[0], problem))
                previous = row[3]
                last_entry_id = row[0]
                checked += 1
    finally:
        cursor.close()
    return _Part(checked, last_entry_id, previous, None)


# A link's sealed message, ``previous|content``, with the content's values in SEALED_KEYS order.
_MESSAGE = "%s|" + _BEFORE_LABEL + _LABEL_KEY + "%s" + _AFTER_LABEL


def _keyed_sha256(key: bytes):
    """``sign(message)``: ``hmac.digest(key, message, "sha256").hex()``, with the key's two
    padded blocks hashed once, not on every call (RFC 2104: the inner and outer hashes start
    from the key XOR-ed with fixed pads). On a link's message of about 700 bytes that is 2 µs
    instead of 4, over the millions of links of a check; tested to give the same digests."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner_start = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer_start = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def sign(message: bytes) -> str:
        inner = inner_start.copy()
        inner.update(message)
        outer = outer_start.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    return sign


def _checker(key: bytes):
    """``check(row, previous)``: what is wrong with one link (a seal and its entry, as ``_sql``
    reads them), None if nothing. Written for speed: it runs once per entry of the whole log.
    The values are encoded as ``_json`` would, knowing each column's type (never a JSON
    value but in the two JSON columns)."""
    string = _json_string
    sign = _keyed_sha256(key)
    label_digests: dict[str, str] = {}
    sqlite_time = _timestamp_reader()

    def seal_of(values: list, label) -> str:
        values[10] = _json(label)
        return sign((_MESSAGE % tuple(values)).encode())

    def check(row, previous: str) -> str | None:
        (
            entry_id,
            seal_actor,
            seal_previous,
            seal_digest,
            found,
            actor_id,
            action,
            additional_data,
            changes,
            changes_text,
            cid,
            content_type_id,
            object_pk,
            label,
            remote_addr,
            remote_port,
            written,
        ) = row
        if seal_previous != previous:
            return "the entry before it was removed or re-sealed"
        if found is None:
            return "removed from the log"
        if actor_id != seal_actor and not (actor_id is None and _user_deleted(seal_actor)):
            return "its actor was changed"
        if sqlite_time is not None:
            written = sqlite_time(written)
        by_digest = label_digests.get(label)
        if by_digest is None:
            if len(label_digests) > LABELS_REMEMBERED:
                label_digests.clear()
            by_digest = label_digests[label] = sign(_label_message(label))
        values = [
            previous,
            action,
            "null" if seal_actor is None else seal_actor,
            _json_column(additional_data),
            "null" if changes is None else _reencoded(changes),  # each is new: not remembered
            string(changes_text),
            "null" if cid is None else string(cid),
            content_type_id,
            found,
            string(object_pk),
            '"' + by_digest + '"',
            "null" if remote_addr is None else string(remote_addr),
            "null" if remote_port is None else remote_port,
            '"' + written.isoformat() + '"',
        ]
        if sign((_MESSAGE % tuple(values)).encode()) == seal_digest:
            return None
        # A neutralised label counts only when it is exactly the neutral label recorded with
        # it; older seals cover the label itself.
        original, neutral = _replaced.get(entry_id) if _replaced else (None, None)
        if original and neutral and hmac.compare_digest(by_digest, neutral):
            sealed = seal_of(values, original) == seal_digest
        else:
            sealed = seal_of(values, label) == seal_digest
        return None if sealed else "altered after it was written"

    return check


def _timestamp_reader():
    """How a timestamp column reads back as Django gives it (SQLite keeps text)."""
    if connection.vendor == "sqlite":
        convert = connection.ops.convert_datetimefield_value
        return lambda value: convert(value, None, connection)
    return None


def _json_column(text) -> str:
    """A JSON column's value (as the database gives its text) in the sealed encoding."""
    if text is None:
        return "null"
    canonical = _json_seen.get(text)
    if canonical is None:
        if len(_json_seen) > JSON_REMEMBERED:
            _json_seen.clear()
        canonical = _json_seen[text] = _reencoded(text)
    return canonical


# A number token the quick encoder might write differently from ``json.dumps``: a fraction or
# an exponent (1e-05 against 1e-5), or an integer too long for 64 bits (orjson reads it as a
# float). The database writes ``: `` and ``, `` between values and nothing after ``[``, so a
# number outside a string always follows a space or ``[`` (or starts the text); a match inside
# a string only costs the slow path. One pattern for each: Python's ``re`` looks for a pattern's
# first character quickly when it is a literal, one position at a time when it is a class
# (``[\[ ]``), which took a third longer over the log's long ``changes``.
_UNSAFE_NUMBERS = tuple(re.compile(re.escape(start) + r"-?(?:\d+[.eE]|\d{19})") for start in " [")


def _reencoded(text: str) -> str:
    """``json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))``, by orjson where
    its bytes are provably the same: plain ASCII with no escaped character (``json.dumps``
    escapes the rest, orjson writes UTF-8 and a raw DEL) and no unsafe number. The JSON
    columns are half of a link's cost: 5 million links took 62 s with the standard library
    alone, 55 s so."""
    if (
        text.isascii()
        and text[:1] in ("{", "[", '"')
        and "\x7f" not in text
        and "\\u" not in text  # an escaped character, which orjson may write back unescaped
        and not any(unsafe.search(text) for unsafe in _UNSAFE_NUMBERS)
    ):
        try:
            return orjson.dumps(orjson.loads(text), option=orjson.OPT_SORT_KEYS).decode()
        except (orjson.JSONDecodeError, orjson.JSONEncodeError):
            pass  # nested beyond orjson's depth: the standard library's answer
    return json.dumps(json.loads(text), sort_keys=True, default=str, separators=(",", ":"))


class _ReplacedLabels:
    """Which entries had their label neutralised, and by which entry: ``{entry id: id of the
    entry that recorded it}``, ints only, so it stays small however long the log. The digests
    recorded are read only for an entry whose seal needs them, one recording entry at a time.
    An entry's label is neutralised once: the first record of it counts; a record without the
    neutral label's digest proves nothing about the label now."""

    def __init__(self, by_entry: dict[int, int]):
        self.by_entry = by_entry
        self._recorded: dict[int, dict] = {}

    @classmethod
    def load(cls) -> "_ReplacedLabels":
        by_entry: dict[int, int] = {}
        for recorder, data in _neutralisations(LogEntry.objects.all()):
            for pk, digests in data.get("labels", {}).items():
                if isinstance(digests, dict):
                    by_entry.setdefault(int(pk), recorder)
        return cls(by_entry)

    def get(self, entry_id: int) -> tuple[str | None, str | None]:
        recorder = self.by_entry.get(entry_id)
        if recorder is None:
            return None, None
        labels = self._recorded.get(recorder)
        if labels is None:
            if len(self._recorded) >= 8:
                self._recorded.clear()
            data = LogEntry.objects.filter(pk=recorder).values_list("additional_data", flat=True)
            labels = self._recorded[recorder] = (data.first() or {}).get("labels", {})
        digests = labels.get(str(entry_id), {})
        return digests.get("original"), digests.get("neutral")


def _neutralisations(entries):
    return (
        entries.filter(additional_data__how=NEUTRALISED)
        .order_by("id")
        .values_list("id", "additional_data")
        .iterator(chunk_size=100)
    )


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


def _still_unsealed(sealed: int) -> int | None:
    """The first entry without a seal. An entry written this very moment is committed a moment
    before its seal (the seal is written by the entry's post_save), so entries found unsealed
    are looked at again after a short pause: only one still unsealed then is a break.
    ``sealed`` entries were just found each with its own seal: if the log holds no more, none
    lacks one (counting is much quicker than looking for them)."""
    from confidentiality.models import AuditSeal

    if LogEntry.objects.count() == sealed:
        return None

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
    if user_id is None:
        return False
    if user_id not in _deleted_users:
        _deleted_users[user_id] = not get_user_model().objects.filter(pk=user_id).exists()
    return _deleted_users[user_id]
