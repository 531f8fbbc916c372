"""H3: a copy of the database without the keys reveals nobody's case.

The demo school, with concerns, referrals, an information share, requests for advice, a
low-level concern and an allegation about the head teacher, and the team's looks at them: then,
with raw SQL over every table (and the database's own dump), nothing in the safeguarding tables,
the audit log's safeguarding entries or the object grants on safeguarding records names a child
(key, UPN or name) or the adult an allegation is about (key as a link, username, name, email), and
no column could join them. The keys stay outside the database, so none of this can be undone from
the copy alone.
"""

import shutil
import subprocess

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from confidentiality.audit import subject_key
from confidentiality.models import User
from records.models import FamilyNotice, RecordSection, Student
from safeguarding.adults import raise_adult_concern
from safeguarding.models import Concern, ConcernAboutAdult, InformationShare
from tests.conftest import DEMO_PASSWORD, IN_MEMORY_CACHE, RolledBack, sign_in

ALLEGATION = "Seen locking the door of the head's office with a pupil inside."


def _allege_and_look(client):
    """In the demo school: an allegation about the head, and the team having looked at it all.
    Returns the allegation."""
    head = User.objects.get(username="head")
    allegation, _ = raise_adult_concern(
        User.objects.get(username="teacher"),
        {
            "idempotency_key": "5f1ad0c4-3a52-4d8e-9a61-0c1f8e4b7d21",
            "person": head,
            "nature": "allegation",
            "role_in_school": "Head teacher",
            "category": "physical",
            "urgency": "urgent",
            "account": ALLEGATION,
            "happened_at": timezone.now(),
            "location": "Head's office",
        },
    )
    dsl = User.objects.get(username="dsl")
    sign_in(client, dsl, verified=True)
    assert client.get("/safeguarding/").status_code == 200
    for concern in Concern.objects.all():
        assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    for student in Student.objects.all():
        if Concern.objects.about(student).exists():
            url = f"/safeguarding/children/{student.pk}/chronology/"
            assert client.get(url).status_code == 200
    return allegation


@pytest.fixture(scope="module")
def _alleged_and_looked(_seeded_demo_school, django_db_blocker):
    """The tests below only read: the allegation and the looks are written once, in a savepoint
    of the shared demo school rolled back after this module."""
    looked = RolledBack(django_db_blocker)
    with override_settings(CACHES=IN_MEMORY_CACHE):
        allegation = looked.open(lambda: _allege_and_look(Client()))
    yield allegation.pk
    looked.close()


@pytest.fixture
def allegation(demo_school, _alleged_and_looked):
    return Concern.objects.get(pk=_alleged_and_looked)


def _quote(name):
    return connection.ops.quote_name(name)


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _rows(table, where="", params=()):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {_quote(table)} {where}", params)  # noqa: S608
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _safeguarding_tables():
    tables = [t for t in connection.introspection.table_names() if t.startswith("safeguarding_")]
    assert len(tables) >= 15  # every table of the app, read whole
    return tables


def _safeguarding_content_types():
    return list(ContentType.objects.filter(app_label="safeguarding").values_list("pk", flat=True))


def _audit_rows():
    """The log's entries about safeguarding objects, and every look taken on a safeguarding
    page (e.g. a child's chronology), read whole."""
    types = _safeguarding_content_types()
    marks = ", ".join(["%s"] * len(types))
    return _rows(
        "auditlog_logentry",
        f"WHERE content_type_id IN ({marks}) OR CAST(additional_data AS TEXT) LIKE %s",  # noqa: S608
        [*types, "%/safeguarding/%"],
    )


def _grant_rows():
    """django-guardian's generic grant tables, where they hold safeguarding objects (the direct
    tables are safeguarding tables)."""
    types = _safeguarding_content_types()
    rows = []
    for table in connection.introspection.table_names():
        if table.startswith("guardian_") and table.endswith("objectpermission"):
            rows += [r for r in _rows(table) if r.get("content_type_id") in types]
    return rows


def _copy():
    """Everything the finding is about, as the text a copy of the database shows."""
    rows = [r for t in _safeguarding_tables() for r in _rows(t)]
    rows += _audit_rows() + _grant_rows()
    return rows, "\n".join(" | ".join(_text(v) for v in row.values()) for row in rows)


def _child_marks(student):
    names = {f"{student.first_name} {student.last_name}"}
    if student.preferred_name:
        names.add(f"{student.preferred_name} {student.last_name}")
    return {str(student.pk), student.pk.hex, student.upn, *names}


def _user_tables():
    return {User._meta.db_table}


def _relations(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_relations(cursor, table)


def test_no_safeguarding_table_can_be_joined_to_a_child_or_the_adult_named(allegation):
    for table in _safeguarding_tables():
        targets = {relation[1] for relation in _relations(table).values()}
        assert Student._meta.db_table not in targets, f"{table} has a key to a child"
    adults = ConcernAboutAdult._meta.db_table
    assert not {relation[1] for relation in _relations(adults).values()} & _user_tables()


def test_a_copy_names_no_child_anywhere_in_safeguarding(allegation):
    rows, dump = _copy()
    assert len(rows) > 150
    children = list(Student.objects.all())
    assert len(children) > 20
    named = [s for s in children if Concern.objects.about(s).exists()]
    assert len(named) >= 5  # the demo's concerns really name children
    for student in children:
        for mark in _child_marks(student):
            assert mark not in dump, f"a safeguarding row shows {student}'s {mark!r}"


def test_a_copy_does_not_say_who_an_allegation_is_about_nor_that_it_is_one(allegation):
    head = allegation.adult.person
    assert head.username == "head" and allegation.adult.is_allegation
    rows, dump = _copy()
    for mark in (head.get_full_name(), head.email, f"confidentiality.user:{head.pk}"):
        assert mark not in dump
    # The head's key sits in no user column of any row about the concern that names them.
    user_columns = {
        table: [col for col, rel in _relations(table).items() if rel[1] in _user_tables()]
        for table in [*_safeguarding_tables(), "auditlog_logentry"]
    }
    about_it = {str(allegation.pk), allegation.pk.hex}
    checked = 0
    for table, columns in user_columns.items():
        for row in _rows(table):
            if about_it.isdisjoint(_text(v) for v in row.values()):
                continue
            checked += 1
            for column in columns:
                assert row[column] != head.pk, f"{table}.{column} names the head"
    assert checked > 5
    # The nature is sealed: no row of the table says "allegation" or "low-level".
    for row in _rows(ConcernAboutAdult._meta.db_table):
        text = " ".join(_text(v) for v in row.values())
        assert "allegation" not in text and "low_level" not in text


def test_the_application_still_finds_everything_with_the_keys(allegation, client):
    """The other side: with the keys the application lists each child's concerns, says who a
    concern about an adult names, and "who has seen this" for a child finds the team's looks."""
    sign_in(client, User.objects.get(username="dsl"), verified=True)
    share = InformationShare.objects.select_related("concern").first()
    child = share.student
    assert Concern.objects.about(child).filter(pk=share.concern_id).exists()
    assert child in share.concern.students()
    head = allegation.adult.person
    assert not Concern.objects.not_about(head).filter(pk=allegation.pk).exists()
    assert Concern.objects.not_about(child).filter(pk=allegation.pk).exists()
    blind = subject_key(child, blind=True)
    looks = LogEntry.objects.filter(additional_data__subject=blind)
    assert any("/chronology/" in e.additional_data["path"] for e in looks)
    page = client.get("/audit/", {"subject": f"records.student:{child.pk}"}).content.decode()
    assert "named by reference" in page  # the chronology look, found through the blind key
    # The DSL reading the trail sees whose chronology it was: the name is worked out with the
    # key for the page, never stored.
    assert f"{child} (named by reference)" in page


def _dump_text() -> str:
    """The database's own dump of the safeguarding tables (``pg_dump`` on PostgreSQL, the
    SQLite database's SQL dump otherwise)."""
    if connection.vendor == "sqlite":
        lines = connection.connection.iterdump()
        return "\n".join(line for line in lines if line.startswith('INSERT INTO "safeguarding_'))
    settings = connection.settings_dict
    command = [shutil.which("pg_dump"), "--data-only", "--table=safeguarding_*"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    command.append(settings["NAME"])
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)  # noqa: S603
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_database_dump_names_no_child_nor_the_adult_named(client):
    # Never skipped: without pg_dump this proof would silently vanish from a PostgreSQL run.
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.fail("install PostgreSQL's client tools: this test reads pg_dump's output")
    call_command("seed_demo", password=DEMO_PASSWORD, verbosity=0)
    allegation = _allege_and_look(client)
    dump = _dump_text()
    assert dump.count("safeguarding_concern") > 5
    head = allegation.adult.person
    for mark in (head.get_full_name(), head.email, "allegation"):
        assert mark not in dump
    for student in Student.objects.all():
        for mark in _child_marks(student):
            assert mark not in dump, f"the dump shows {student}'s {mark!r}"


def test_no_records_notice_joins_a_child_to_a_share(allegation):
    """The P2 notice ("we have shared information about ...") is kept with the share, linked
    blind: the records notices hold no row that says information about a child was shared, and
    the log of the records notices says nothing of it either."""
    shares = InformationShare.objects.exclude(parents_notified_at__isnull=True)
    assert shares.exists() and all(s.parent_notice_title for s in shares)
    notices = _rows(FamilyNotice._meta.db_table)
    kind = ContentType.objects.get_for_model(FamilyNotice).pk
    entries = _rows("auditlog_logentry", "WHERE content_type_id = %s", [kind])
    dump = "\n".join(" | ".join(_text(v) for v in row.values()) for row in notices + entries)
    assert "information_shared" not in dump
    assert "We have shared information" not in dump


# --- which sections a child has (the attacker's join of records_recordsection to a child) -----

SECTION_KINDS = [kind.value for kind in RecordSection.Kind]


def _student(index):
    return Student.objects.get(upn=f"A{823400000000 + index:012d}")


def _section_panel(page: str, kind: str) -> str:
    start = page.index(f'id="section-{kind}"')
    return page[start : page.index("</section>", start)]


def test_every_child_has_exactly_one_section_of_every_kind(demo_school):
    rows = _rows(RecordSection._meta.db_table)
    by_child = {}
    for row in rows:
        by_child.setdefault(str(row["student_id"]).replace("-", ""), []).append(row["kind"])
    students = {str(pk).replace("-", "") for pk in Student.objects.values_list("pk", flat=True)}
    assert len(students) >= 60 and set(by_child) == students
    for kinds in by_child.values():
        assert sorted(kinds) == sorted(SECTION_KINDS)


def test_counting_sections_by_kind_tells_nothing(demo_school):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, COUNT(*) FROM {_quote(RecordSection._meta.db_table)} GROUP BY kind"  # noqa: S608
        )
        counts = dict(cursor.fetchall())
    assert set(counts) == set(SECTION_KINDS)
    assert set(counts.values()) == {Student.objects.count()}


def test_no_column_of_a_section_is_empty_only_where_nothing_is_recorded(demo_school):
    """Empty details and notes are sealed like any others: NULL would mark the empty ones."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {_quote(RecordSection._meta.db_table)} "  # noqa: S608
            "WHERE details IS NULL OR notes IS NULL"
        )
        assert cursor.fetchone()[0] == 0


def test_the_log_pairs_no_child_with_a_kind_of_section(demo_school):
    kind = ContentType.objects.get_for_model(RecordSection).pk
    entries = _rows("auditlog_logentry", "WHERE content_type_id = %s", [kind])
    assert len(entries) >= 5 * Student.objects.count()  # every section's start, and the edits
    labels = [label for _, label in RecordSection.Kind.choices]
    names = [mark for s in Student.objects.all() for mark in (str(s), s.last_name, s.upn)]
    for entry in entries:
        label = entry["object_repr"]
        assert label.startswith("Record section ")
        assert not any(word in label for word in labels), label
        assert not any(name in label for name in names), label
    # Nor does any other entry's label pair a kind of section with a child.
    every_label = "\n".join(row["object_repr"] for row in _rows("auditlog_logentry"))
    for label in labels:
        assert f"{label} – " not in every_label


def test_a_new_child_has_every_section_from_the_start(db, student_factory):
    child = student_factory()
    assert sorted(child.sections.values_list("kind", flat=True)) == sorted(SECTION_KINDS)
    assert not any(section.has_content for section in child.sections.all())
    started = LogEntry.objects.get_for_objects(child.sections.all())
    assert started.filter(action=LogEntry.Action.CREATE).count() == len(SECTION_KINDS)


def test_starting_the_sections_of_many_children_reads_and_writes_them_once(db):
    """Two queries on the sections whatever the number of children (a whole MIS import); the
    log gets one entry per section started, as for any save."""
    from django.db import connection as db_connection
    from django.test.utils import CaptureQueriesContext

    from records.models.sections import start_sections

    children = Student.objects.bulk_create(  # no signal: sections not started yet
        [
            Student(first_name="New", last_name=f"Child{i}", year_group=1, upn=f"N{i:012d}")
            for i in range(12)
        ]
    )
    with CaptureQueriesContext(db_connection) as queries:
        created = start_sections(children)
    assert len(created) == 12 * len(SECTION_KINDS)
    on_sections = [q for q in queries.captured_queries if "records_recordsection" in q["sql"]]
    assert len(on_sections) == 2
    assert start_sections(children) == []  # a second run finds every section there


def test_the_record_says_nothing_recorded_where_nothing_is(demo_school, client):
    sign_in(client, User.objects.get(username="dsl"), verified=True)
    with_sen, without_sen = _student(0), _student(1)
    page = client.get(f"/records/students/{without_sen.pk}/").content.decode()
    assert "Nothing recorded." in _section_panel(page, "sen")
    assert "Nothing recorded." in _section_panel(page, "social_services")
    page = client.get(f"/records/students/{with_sen.pk}/").content.decode()
    assert "Nothing recorded." not in _section_panel(page, "sen")
    assert "Nothing recorded." not in _section_panel(page, "social_services")


def test_a_teacher_is_not_told_of_medical_entries_beyond_the_summary(db, client, teacher, pupil):
    """Recorded is what this reader sees: conditions alone, outside the summary a teacher
    reads, leave the teacher's medical panel at "Nothing recorded"."""
    section = RecordSection.objects.get(student=pupil, kind="medical")
    section.details = {"conditions": "Eczema"}
    section.save()
    page = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/").content.decode()
    assert "Nothing recorded." in _section_panel(page, "medical")


def test_the_trail_names_a_section_only_to_a_reader_of_it(demo_school, client):
    """The DSL reads every section, so the trail names each by kind and child; the head reads
    SEN support only, so sees that one named and the others by their neutral label."""
    child = _student(0)
    query = {"subject": f"records.student:{child.pk}"}
    sign_in(client, User.objects.get(username="dsl"), verified=True)
    shown = [row["object_name"] for row in client.get("/audit/", query).context["rows"]]
    assert f"Social-services involvement – {child}" in shown
    assert f"SEN support – {child}" in shown
    sign_in(client, User.objects.get(username="head"), verified=True)
    rows = client.get("/audit/", query).context["rows"]
    shown = [row["object_name"] for row in rows]
    assert f"SEN support – {child}" in shown
    assert not any(name.startswith("Social-services involvement") for name in shown)
    assert not any(name.startswith("Medical") for name in shown)
    assert any(name.startswith("Record section ") for name in shown)


def test_the_migration_gives_children_already_there_every_section_and_seals_empties(db):
    """Students added before every child had every section: the migration adds what they lack
    and seals the empty notes left as NULL, and the record still opens."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("records.migrations.0012_every_child_has_every_section")
    (older,) = Student.objects.bulk_create(
        [Student(first_name="Older", last_name="Pupil", year_group=2, upn="M000000000001")]
    )
    section = RecordSection(student=older, kind="sen", details={"need": "Dyslexia"})
    section.save()
    RecordSection.objects.filter(pk=section.pk).update(notes=None)
    migration.give_every_child_every_section(apps, None)
    assert sorted(older.sections.values_list("kind", flat=True)) == sorted(SECTION_KINDS)
    assert not RecordSection.objects.filter(notes__isnull=True).exists()
    section.refresh_from_db()
    assert section.details == {"need": "Dyslexia"} and section.notes == ""
    migration.give_every_child_every_section(apps, None)  # a second run changes nothing
    assert older.sections.count() == len(SECTION_KINDS)
