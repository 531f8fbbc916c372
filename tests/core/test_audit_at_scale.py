"""The audit chain at the size of a large school's ten years: entries written in bulk are sealed
exactly as the application seals one, the chain is verified streamed (in two parts where the
database allows) and the bytes each seal covers never change."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from confidentiality.audit import chain, triggers
from confidentiality.audit.bulk import write_sealed_entries
from confidentiality.audit.chain import verify_chain, verify_head
from confidentiality.models import AuditSeal

BULK = 5_000
START = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)


def _entries(count, actor, content_type, start=START):
    for n in range(count):
        yield {
            "content_type_id": content_type.pk,
            "object_pk": str(n),
            "object_id": n,
            "object_repr": ["Zoë Ørsted", "Ann O’Neil “Nan”", "A concern (named by reference)"][
                n % 3
            ],
            "action": LogEntry.Action.ACCESS if n % 2 else LogEntry.Action.UPDATE,
            "changes": None if n % 2 else {"status": ["open", "closed"], "n": [n, n + 1]},
            "changes_text": "",
            "actor_id": actor.pk if n % 5 else None,
            "actor_email": actor.email if n % 5 else None,
            "timestamp": start + datetime.timedelta(seconds=n, microseconds=n % 997),
            "additional_data": {"how": "view", "path": f"/records/students/{n}/"}
            if n % 2
            else None,
            "remote_addr": "10.0.0.7" if n % 3 else None,
            "remote_port": None,
            "cid": f"req-{n}" if n % 4 == 0 else None,
        }


def _app_entry(obj, actor, label="written by the application"):
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        force_log=True,
        actor=actor,
        object_repr=label,
        changes_text="",
        changes=None,
        additional_data={"how": "view"},
    )


def _behind_the_applications_back(sql, params=()):
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def test_entries_written_in_bulk_verify_between_the_applications_own(teacher, pupil):
    before = _app_entry(pupil, teacher)
    content_type = ContentType.objects.get_for_model(pupil)
    assert write_sealed_entries(_entries(BULK, teacher, content_type)) == BULK
    after = _app_entry(pupil, teacher, "after the bulk")
    checked, broken = verify_chain()
    assert broken is None
    assert checked == LogEntry.objects.count() == AuditSeal.objects.count()
    seals = list(AuditSeal.objects.order_by("id").values_list("entry_id", "previous", "digest"))
    at = [entry_id for entry_id, _, _ in seals]
    bulk = set(
        LogEntry.objects.exclude(pk__lte=before.pk)
        .exclude(pk=after.pk)
        .values_list("pk", flat=True)
    )
    # In the chain, the bulk follows the entry written before it and precedes the one after.
    assert len(bulk) == BULK
    assert set(at[at.index(before.pk) + 1 : at.index(after.pk)]) == bulk
    assert at[-1] == after.pk
    assert all(seals[i][1] == seals[i - 1][2] for i in range(1, len(seals)))


def test_a_bulk_entry_altered_afterwards_is_named(teacher, pupil):
    content_type = ContentType.objects.get_for_model(pupil)
    write_sealed_entries(_entries(200, teacher, content_type))
    victim = LogEntry.objects.order_by("id")[123]
    _behind_the_applications_back(
        "UPDATE auditlog_logentry SET changes_text = 'nothing to see' WHERE id = %s", [victim.pk]
    )
    head, broken = verify_head()
    assert broken is not None and broken.entry_id == victim.pk
    assert "altered" in broken.problem
    assert head.last_entry_id < victim.pk


def test_bulk_entries_read_back_as_they_were_sealed(teacher, pupil):
    content_type = ContentType.objects.get_for_model(pupil)
    entries = list(_entries(6, teacher, content_type))
    highest = LogEntry.objects.order_by("-id").first().pk
    write_sealed_entries(entries)
    stored = list(LogEntry.objects.filter(pk__gt=highest).order_by("id"))
    assert [e.object_repr for e in stored] == [e["object_repr"] for e in entries]
    assert stored[0].changes == {"status": ["open", "closed"], "n": [0, 1]}
    assert stored[1].additional_data["path"] == "/records/students/1/"
    assert stored[5].timestamp == entries[5]["timestamp"]
    assert stored[1].actor_id == teacher.pk and stored[0].actor_id is None


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_entry_sequence_moves_past_bulk_ids(teacher, pupil):
    content_type = ContentType.objects.get_for_model(pupil)
    write_sealed_entries(_entries(50, teacher, content_type))
    highest = LogEntry.objects.order_by("-id").first().pk
    assert _app_entry(pupil, teacher).pk > highest
    assert verify_chain()[1] is None


# --- the bytes a seal covers --------------------------------------------------------------------


def _canonical_as_first_written(row: dict, actor_id, label=None) -> bytes:
    """The sealed content exactly as the chain first encoded it (``json.dumps``): every seal
    written before must keep verifying with the quicker encoding."""
    values = {name: row[name] for name in chain.SEALED_FIELDS}
    values["timestamp"] = row["timestamp"].isoformat()
    values["actor_id"] = actor_id
    if label is not None:
        values["object_repr"] = label
    return json.dumps(values, sort_keys=True, default=str, separators=(",", ":")).encode()


VARIED = [
    {"object_repr": "Zoë Ørsted", "changes": None, "cid": None, "remote_addr": None},
    {
        "object_repr": "“quoted” \\ back\nslash\t\u2028",
        "changes": {"b": [1, None], "a": {"é": 1.5}},
    },
    {"object_repr": "", "changes": {"notes": ["[encrypted]", "[encrypted]"]}, "cid": "c-1"},
    {"object_repr": "🙂 emoji", "additional_data": {"labels": {"12": {"original": "x"}}}},
    {"object_repr": "plain", "remote_addr": "2001:db8::1", "remote_port": 51000},
    {"object_repr": "true", "changes": [], "additional_data": {"z": True, "a": False}},
]


@pytest.mark.parametrize("variant", VARIED)
@pytest.mark.parametrize("microsecond", [0, 7, 999_999])
def test_the_quick_encoding_is_byte_for_byte_the_first(variant, microsecond):
    row = {
        "id": 981,
        "content_type_id": 12,
        "object_pk": "#9f2c",
        "object_repr": "",
        "action": 3,
        "changes_text": "",
        "changes": None,
        "cid": None,
        "remote_addr": "127.0.0.1",
        "remote_port": None,
        "timestamp": datetime.datetime(2026, 3, 29, 0, 59, 59, microsecond, tzinfo=datetime.UTC),
        "additional_data": None,
        **variant,
    }
    for actor_id in (None, 42):
        for label in (None, chain.label_digest(row["object_repr"]), "Ünïcode label"):
            assert chain._canonical(row, actor_id, label) == _canonical_as_first_written(
                row, actor_id, label
            )


# --- two processes ------------------------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="a second process needs committed rows"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_processes_find_what_one_finds(teacher, pupil):
    content_type = ContentType.objects.get_for_model(pupil)
    write_sealed_entries(_entries(600, teacher, content_type))
    alone = verify_head(workers=1)
    together = verify_head(workers=2, parallel_from=0)
    assert alone == together and together[1] is None
    assert together[0].entries == LogEntry.objects.count()
    # An entry altered in the second run is named, with the head of everything before it.
    victim = LogEntry.objects.order_by("-id")[100]
    _behind_the_applications_back(
        "UPDATE auditlog_logentry SET object_pk = 'elsewhere' WHERE id = %s", [victim.pk]
    )
    head, broken = verify_head(workers=2, parallel_from=0)
    assert broken.entry_id == victim.pk and "altered" in broken.problem
    assert head.entries == AuditSeal.objects.filter(entry_id__lt=victim.pk).count()
    assert (head, broken) == verify_head(workers=1)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_seal_removed_where_the_runs_meet_is_named(teacher, pupil):
    content_type = ContentType.objects.get_for_model(pupil)
    write_sealed_entries(_entries(400, teacher, content_type))
    low, high = AuditSeal.objects.order_by("id")[0].pk, AuditSeal.objects.order_by("-id")[0].pk
    middle = AuditSeal.objects.get(pk=low - 1 + (high - low + 1) // 2)  # the first run's last
    _behind_the_applications_back(
        "DELETE FROM confidentiality_auditseal WHERE id = %s", [middle.pk]
    )
    _behind_the_applications_back("DELETE FROM auditlog_logentry WHERE id = %s", [middle.entry_id])
    head, broken = verify_head(workers=2, parallel_from=0)
    assert broken is not None and "removed or re-sealed" in broken.problem
    assert (head, broken) == verify_head(workers=1)


# --- an access entry, sealed ---------------------------------------------------------------------


TRANSACTION_EDGES = {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}


def _look(user, obj, path="/records/"):
    from django.test import RequestFactory

    from confidentiality.audit import record_access

    request = RequestFactory().get(path)
    request.user = user
    return record_access(request, obj)


@pytest.mark.django_db(transaction=True)
def test_a_look_costs_two_statements_on_postgresql_and_three_elsewhere(teacher, pupil, oak):
    """PostgreSQL: the chain's lock, head and the entry's id; then the entry with its seal
    (``looks.log_look``). Elsewhere: the entry, the head, the seal. The next look in the same
    transaction does not read the head again (the lock is still held)."""
    from django.test.utils import CaptureQueriesContext

    def statements(captured) -> list[str]:  # what the look asks, not the transaction's edges
        return [q["sql"][:80] for q in captured if q["sql"].split()[0] not in TRANSACTION_EDGES]

    postgresql = connection.vendor == "postgresql"
    _look(teacher, oak)  # warm what a process looks up once
    with CaptureQueriesContext(connection) as captured:
        entry = _look(teacher, pupil)
    assert entry is not None and entry.pk is not None
    assert len(statements(captured)) == (2 if postgresql else 3), statements(captured)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        _look(teacher, pupil)
        first = len(statements(captured))
        _look(teacher, oak)  # the lock is still held: the head is the seal just made
    both = statements(captured)
    assert (first, len(both) - first) == ((2, 2) if postgresql else (3, 2)), both
    assert not any("auditseal" in q and q.startswith("SELECT") for q in both[first:]), both
    assert AuditSeal.objects.count() == LogEntry.objects.count()
    assert verify_chain()[1] is None


def test_a_seal_rolled_back_with_its_savepoint_is_never_chained_to(teacher, pupil, oak):
    _look(teacher, oak)
    with pytest.raises(RuntimeError), transaction.atomic():
        _look(teacher, pupil)
        raise RuntimeError("the inner step fails: its entry and seal go")
    with transaction.atomic():
        _look(teacher, pupil)
        with transaction.atomic():  # a savepoint that keeps its seal
            _look(teacher, oak)
        _look(teacher, pupil)
    _look(teacher, oak)
    assert AuditSeal.objects.count() == LogEntry.objects.count()
    assert verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_under_manual_transactions_each_transaction_reads_the_head_afresh(teacher, pupil, oak):
    """A ``commit()`` by hand keeps Django's on-commit list: the memo is not used there."""
    from django.test.utils import CaptureQueriesContext

    transaction.set_autocommit(False)
    try:
        _look(teacher, oak)
        transaction.commit()
        with CaptureQueriesContext(connection) as captured:
            _look(teacher, pupil)  # a new transaction: the lock and the head again
        transaction.commit()
    finally:
        transaction.set_autocommit(True)
    assert any("auditseal" in q["sql"] and q["sql"].startswith("SELECT") for q in captured) or any(
        "confidentiality_chain_head" in q["sql"] for q in captured
    ), [q["sql"][:80] for q in captured]
    assert verify_chain()[1] is None


def test_the_project_never_makes_savepoints_by_hand():
    """The memo of the chain's head follows ``atomic`` savepoints only (``chain._sealed_here``);
    a savepoint made and rolled back by hand would leave it pointing at a seal that is gone."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "tests"} & set(path.relative_to(root).parts)
        and any(
            call in path.read_text(encoding="utf-8")
            for call in ("transaction.savepoint(", "savepoint_rollback(", "savepoint_commit(")
        )
    ]
    assert found == []


def test_entries_written_in_bulk_after_a_look_of_the_same_transaction_chain_on(teacher, pupil, oak):
    content_type = ContentType.objects.get_for_model(LogEntry)
    _look(teacher, oak)
    write_sealed_entries(_entries(20, teacher, content_type))
    _look(teacher, pupil)  # chains to the last entry written in bulk, not to the look before
    assert verify_chain()[1] is None


def test_entries_the_database_may_write_otherwise_are_read_back_before_sealing(teacher, pupil):
    for address, extra in [
        ("::1.2.3.4", None),
        ("::ffff:10.0.0.1", {"score": 1e-7, "big": 1e20}),
        ("2001:db8:0:0:1:0:0:1", {"nested": [{"a": 0.5}]}),
        ("10.0.0.1", {"plain": "Zoë"}),
    ]:
        LogEntry.objects.log_create(
            pupil,
            action=LogEntry.Action.ACCESS,
            force_log=True,
            actor=teacher,
            remote_addr=address,
            additional_data=extra,
            changes_text="",
            changes=None,
        )
    assert verify_chain()[1] is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_looks_sealed_at_the_same_moment_never_fork_the_chain(teacher, pupil):
    import threading

    from django.db import connections

    start = threading.Barrier(6)
    failures = []

    def looks():
        try:
            start.wait()
            for _ in range(8):
                _look(teacher, pupil)
        except Exception as error:  # reported below, a thread's error is otherwise lost
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=looks) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    previous = list(AuditSeal.objects.values_list("previous", flat=True))
    assert len(previous) == len(set(previous)) == LogEntry.objects.count()
    assert verify_chain()[1] is None


@pytest.mark.parametrize(
    "value",
    [
        {"id": ["None", "6d9a0d1c-97f0-437e-b1cd-b4de6320288f"], "at": ["None", "00:33:59.041"]},
        {"b": '\x1f\x7f"\\/\n\t\b\f\r', "a": [1, None, True, False, "x"], "Z": {}},
        {"name": ["None", "Zoë Łukasiewicz"], "n": [-3, 0, 9223372036854775807]},
        {"big": 123456789012345678901234567890, "neg": -18446744073709551617},
        {"f": [0.5, 1e-05, 1e16, 1.5e300, -0.0001, 100.0], "s": "x 1.5 [2.5e3"},
        {"nested": [[[{"k": [1, "2", 3.25]}]]]},
        ["top", "level", 1],
        "a lone string",
        42,
        2.5,
        {"deep": json.loads("[" * 2000 + "]" * 2000)},
    ],
)
def test_json_columns_are_re_encoded_as_the_standard_library_would(value):
    """The quick re-encoding of a JSON column gives json.dumps's bytes for what the database
    writes, both PostgreSQL's jsonb text and Django's own JSON text on SQLite."""
    expected = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    for stored in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert chain._reencoded(stored) == expected


@pytest.mark.parametrize("key_length", [0, 1, 32, 63, 64, 65, 200])
def test_the_checks_keyed_hash_is_hmac_sha256(key_length):
    """The check signs with the key's padded blocks hashed once: the same digests as
    ``hmac.digest`` for keys shorter than, as long as and longer than a block."""
    import hmac

    key = bytes(range(256))[:key_length] if key_length <= 256 else b""
    sign = chain._keyed_sha256(key)
    for message in (b"", b"x", b"label|Zo\xc3\xab", b"a" * 63, b"b" * 64, b"c" * 700, b"d" * 5000):
        assert sign(message) == hmac.digest(key, message, "sha256").hex()
