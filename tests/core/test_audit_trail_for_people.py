"""The audit trail for people (issue 11, item 6): "who has seen this" on a concern or a child
shows that record's entries only; entries read in words (actions, fields, who), never values
nor bookkeeping fields; the person choice offers the staff by role, each once, searchable, and
no parents unless the trail shows one record; it filters by kind of record and by action; the
filtered trail exports as a spreadsheet, itself audited and safe from formula injection; the
demo school's history names who did each thing. Both sides of every rule are tested."""

import csv
import io
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.audit import MASK, acting_as, subject_key, words
from confidentiality.crypto.fields import encrypted_field_names
from confidentiality.roles import Role, group_for
from records.models import ParentLink, Student
from safeguarding.models import Action, CaseNote, Concern
from tests.conftest import sign_in


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def raise_concern(db):
    from django.utils import timezone

    from safeguarding import raising
    from safeguarding.models import ConcernSubject

    def make(author, students, account="He said his dad hit him."):
        data = {
            "idempotency_key": uuid.uuid4(),
            "category": "physical",
            "urgency": "routine",
            "account": account,
            "happened_at": timezone.now(),
            "location": "Classroom 3",
            "child_told": "told",
        }
        subjects = [(s, ConcernSubject.Part.SUBJECT) for s in students]
        concern, _ = raising.raise_concern(author, data, subjects, [])
        return concern

    return make


@pytest.fixture
def two_concerns(client, raise_concern, teacher, dsl, pupil, student_factory):
    """Two concerns about two children, each opened by the DSL; the first with a note."""
    other_child = student_factory(first_name="Leo", last_name="Brown")
    first = raise_concern(teacher, [pupil], account="Bruise on his arm, said dad did it.")
    second = raise_concern(teacher, [other_child], account="Said nobody feeds her at home.")
    sign_in(client, dsl, verified=True)
    client.get(f"/safeguarding/concerns/{first.pk}/")
    client.get(f"/safeguarding/concerns/{second.pk}/")
    with acting_as(dsl):
        CaseNote(concern=first, author=dsl, text="Spoke to mum at pick-up.").save()
        first.triage(dsl, assigned_to=dsl, level="monitor", level_reason="Mum told us of a fall.")
    client.logout()
    return first, second


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def rows(client, **query):
    response = client.get("/audit/", query)
    assert response.status_code == 200
    return response, response.context["rows"]


def _belongs_to(entry, concern) -> bool:
    model = entry.content_type.model_class()
    if model is Concern:
        return entry.object_pk == str(concern.pk)
    part = model._default_manager.filter(pk=entry.object_pk).first()
    return part is not None and getattr(part, "concern_id", None) == concern.pk


# --- one record's entries ----------------------------------------------------------------------


def test_who_has_seen_a_concern_shows_that_concerns_entries_only(client, two_concerns, dsl):
    first, second = two_concerns
    sign_in(client, dsl, verified=True)
    response, shown = rows(client, object=f"safeguarding.concern:{first.pk}")
    entries = [row["entry"] for row in shown]
    assert entries and all(_belongs_to(entry, first) for entry in entries)
    assert not any(_belongs_to(entry, second) for entry in entries)
    kinds = {entry.content_type.model for entry in entries}
    assert {"concern", "casenote"} <= kinds  # the concern and what belongs to it
    looks = [e for e in entries if e.action == LogEntry.Action.ACCESS and e.actor == dsl]
    assert looks  # the DSL's look at it
    page = response.content.decode()
    assert f"Who has seen Concern {first.reference}" in page
    assert second.reference not in page


def test_the_concern_and_student_pages_link_to_their_own_entries(client, two_concerns, dsl, pupil):
    first, _ = two_concerns
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{first.pk}/").content.decode()
    assert f"/audit/?object=safeguarding.concern:{first.pk}&amp;back=" in page
    page = client.get(f"/records/students/{pupil.pk}/").content.decode()
    assert f"/audit/?subject=records.student:{pupil.pk}&amp;back=" in page


def test_who_has_seen_a_child_names_the_child_and_leads_back(client, dsl, teacher, pupil):
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    sign_in(client, dsl, verified=True)
    back = f"/records/students/{pupil.pk}/"
    response, shown = rows(client, subject=f"records.student:{pupil.pk}", back=back)
    page = response.content.decode()
    assert "Who has seen Maya Quinn" in page
    assert f'<a href="{back}">Back to Maya Quinn</a>' in page
    assert [row["entry"].actor for row in shown if row["how"] == "view"][-1] == teacher


def test_back_leads_only_to_a_page_of_this_site(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    for elsewhere in (
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "/\n/evil.example",
        "/\\evil.example",
    ):
        response, _ = rows(client, subject=f"records.student:{pupil.pk}", back=elsewhere)
        assert "evil.example" not in response.content.decode().split("<form")[0]
        assert response.context["back"] == ""


def test_the_head_never_sees_a_safeguarding_entry_whatever_the_filter(
    client, two_concerns, head, pupil
):
    first, _ = two_concerns
    sign_in(client, head, verified=True)
    blind = subject_key(pupil, blind=True)
    for query in (
        {"subject": f"records.student:{pupil.pk}"},
        {"subject": blind},  # the blind key itself, typed in the address
        {"object": f"safeguarding.concern:{first.pk}"},
        {"record": "safeguarding.concern"},
    ):
        response, shown = rows(client, **query)
        assert not [r for r in shown if r["entry"].content_type.app_label == "safeguarding"]
        assert not [r for r in shown if (r["entry"].additional_data or {}).get("area")]
        # The reference is the start of the id the head typed, echoed in the form: not a leak.
        assert first.reference not in response.content.decode().replace(str(first.pk), "")
    # Not even the heading says a concern with that key exists.
    response, shown = rows(client, object=f"safeguarding.concern:{first.pk}")
    assert shown == [] and "Who has seen this record" in response.content.decode()


def test_the_team_sees_the_whole_history_of_the_child_by_subject(client, two_concerns, deputy):
    first, _ = two_concerns
    sign_in(client, deputy, verified=True)
    _, shown = rows(client, subject=f"records.student:{first.audit_subject().pk}")
    assert any(r["entry"].content_type.model == "concern" for r in shown)


# --- in words ----------------------------------------------------------------------------------


def test_a_change_names_its_fields_in_words_without_bookkeeping_or_values(
    client, two_concerns, dsl
):
    first, _ = two_concerns
    sign_in(client, dsl, verified=True)
    response, shown = rows(client, object=f"safeguarding.concern:{first.pk}", action="1")
    assert shown and all(row["entry"].action == LogEntry.Action.UPDATE for row in shown)
    changed = {name for row in shown for name in row["changed"]}
    assert {"Status", "Reason for the level", "Assigned to"} <= changed
    assert not any("_" in name for name in changed)
    for bookkeeping in ("Idempotency key", "Seal version", "Updated at", "Id", "Created at"):
        assert bookkeeping not in changed
    page = response.content.decode()
    assert "Mum told us of a fall" not in page and "idempotency" not in page.lower()


def test_the_log_holds_no_plaintext_of_an_encrypted_field(two_concerns):
    first, _ = two_concerns
    for entry in LogEntry.objects.get_for_object(first):
        for name in encrypted_field_names(Concern):
            if name in (entry.changes or {}):
                assert entry.changes[name] == [MASK, MASK] or set(entry.changes[name]) <= {
                    MASK,
                    "None",
                }
        assert "Mum told us" not in str(entry.changes)


def test_field_words_leave_out_what_no_person_edits():
    assert words.field_words(Concern, "idempotency_key") is None
    assert words.field_words(Concern, "seal_version") is None
    assert words.field_words(Concern, "updated_at") is None
    assert words.field_words(Concern, "notes") is None  # a reverse relation
    assert words.field_words(Concern, "no_longer_there") is None
    assert words.field_words(Concern, "location") == "Where"
    overdue = Action._meta.get_field("overdue_alerted_at").verbose_name
    assert words.field_words(Action, "overdue_alerted_at") == overdue[:1].upper() + overdue[1:]
    from safeguarding.models import AdviceRequest

    assert words.field_words(AdviceRequest, "student_ref") == "Student"
    assert words.field_words(AdviceRequest, "student_key") == "Student"


def test_actions_are_said_in_words(client, two_concerns, dsl, pupil):
    first, _ = two_concerns
    sign_in(client, dsl, verified=True)
    client.get(f"/safeguarding/children/{pupil.pk}/chronology/")
    _, shown = rows(client)
    did = {row["did"] for row in shown}
    assert {"viewed", "created", "changed", "opened the safeguarding file of"} <= did
    assert not any("-" in d and " " not in d for d in did)  # never a bare code


def test_who_did_it_in_words(db, teacher, pupil):
    entry = LogEntry.objects.log_create(
        pupil, action=LogEntry.Action.ACCESS, force_log=True, actor=teacher, changes=None
    )
    assert words.who(entry) == "Teacher Tester"
    teacher.delete()
    entry.refresh_from_db()
    assert entry.actor_id is None and words.who(entry) == "a deleted account"
    pupil.year_group = 4
    pupil.save()  # outside a request, nobody at the keyboard: a periodic check, an import
    change = LogEntry.objects.get_for_object(pupil).filter(action=LogEntry.Action.UPDATE).last()
    assert words.who(change) == "the system"


# --- the person choice -------------------------------------------------------------------------


def _choices(response) -> dict[str, list[str]]:
    groups = {}
    for group, options in response.context["form"].fields["person"].choices:
        if isinstance(options, list | tuple):
            groups[group] = [label for _, label in options]
    return groups


def test_the_person_choice_offers_staff_by_role_once_and_no_parents(
    client, dsl, deputy, head, teacher, office, parent, governor, make_user, pupil
):
    both = make_user("both", Role.TEACHER, job_title="Year 6 teacher")
    both.groups.add(group_for(Role.DEPUTY_DSL))
    named(make_user("twin1", Role.TEACHER, job_title="Teacher"), "Sam", "Lee")
    named(make_user("twin2", Role.TEACHER, job_title="Teacher"), "Sam", "Lee")
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    LogEntry.objects.log_create(
        pupil,
        action=LogEntry.Action.ACCESS,
        force_log=True,
        actor=parent,
        additional_data={"how": "view", "subject": f"records.student:{pupil.pk}"},
    )
    sign_in(client, dsl, verified=True)
    response, _ = rows(client)
    groups = _choices(response)
    labels = [label for options in groups.values() for label in options]
    assert len(labels) == len(set(labels))  # no duplicates
    assert list(groups)[:2] == ["Designated Safeguarding Lead", "Deputy DSL"]
    assert "Both Tester – Year 6 teacher" in groups["Deputy DSL"]
    assert "Both Tester – Year 6 teacher" not in groups["Teacher"]
    assert {"Sam Lee – Teacher (twin1)", "Sam Lee – Teacher (twin2)"} <= set(groups["Teacher"])
    assert not any("Parent" in label for label in labels)  # parent: "Parent Tester"
    assert "Governor" not in groups  # no entries yet
    # The trail of one child: the parent who looked at it is offered, as who they are.
    response, _ = rows(client, subject=f"records.student:{pupil.pk}")
    groups = _choices(response)
    assert groups["Others who looked at this record"] == ["Parent Tester"]


def test_a_governor_with_entries_is_offered(client, dsl, governor, pupil):
    LogEntry.objects.log_create(
        pupil, action=LogEntry.Action.ACCESS, force_log=True, actor=governor, changes=None
    )
    sign_in(client, dsl, verified=True)
    response, _ = rows(client)
    assert _choices(response)["Governor"] == ["Governor Tester"]


def test_finding_a_person_narrows_the_choice_and_the_entries(client, dsl, teacher, office, pupil):
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    sign_in(client, office).get(f"/records/students/{pupil.pk}/")
    sign_in(client, dsl, verified=True)
    response, shown = rows(client, find="teach")
    labels = [label for options in _choices(response).values() for label in options]
    assert labels == ["Teacher Tester"]
    assert shown and {row["entry"].actor for row in shown} == {teacher}


def test_filter_by_kind_of_record_and_action(client, dsl, teacher, pupil):
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    sign_in(client, dsl, verified=True)
    _, shown = rows(client, record="records.student", action=str(LogEntry.Action.ACCESS))
    assert shown
    for row in shown:
        assert row["entry"].content_type.model == "student"
        assert row["entry"].action == LogEntry.Action.ACCESS
    _, shown = rows(client, record="records.recordsection", action=str(LogEntry.Action.CREATE))
    assert shown and {row["entry"].content_type.model for row in shown} == {"recordsection"}


# --- the export --------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_export_is_audited_and_safe_from_formula_injection(client, dsl, make_user, oak, pupil):
    sly = named(make_user("sly", Role.TEACHER), "=HYPERLINK(1)", "")
    oak.staff.add(sly)
    sign_in(client, sly).get(f"/records/students/{pupil.pk}/")
    sign_in(client, dsl, verified=True)
    response = client.get("/audit/export.csv", {"subject": f"records.student:{pupil.pk}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    table = _csv(response)
    assert table[0][:3] == ["When", "Who", "Did"]
    whos = [line[1] for line in table[1:]]
    assert "'=HYPERLINK(1)" in whos and "=HYPERLINK(1)" not in whos
    for line in table[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)
    export = LogEntry.objects.get(additional_data__how="audit-export")
    assert export.actor == dsl and export.action == LogEntry.Action.ACCESS
    count = len(table) - 1
    assert export.additional_data["reason"] == f"exported {count} audit entries (one record)"
    # About the exporter, never the record (a real id and a made-up one leave the same entry).
    assert "Maya" not in export.object_repr and export.object_pk == str(dsl.pk)


def test_the_export_says_its_filters_in_words(client, dsl, teacher, pupil):
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    sign_in(client, dsl, verified=True)
    response = client.get(
        "/audit/export.csv",
        {"person": teacher.pk, "action": str(LogEntry.Action.ACCESS), "since": "2026-01-01"},
    )
    assert len(_csv(response)) == 2
    export = LogEntry.objects.get(additional_data__how="audit-export")
    assert export.additional_data["reason"] == (
        "exported 1 audit entry (by Teacher Tester; viewed; from 1 Jan 2026)"
    )
    sign_in(client, dsl, verified=True)
    _, shown = rows(client, person=dsl.pk)
    assert [row["did"] for row in shown if row["how"] == "audit-export"] == [
        "exported the audit trail"
    ]


def test_an_export_is_read_only_by_its_exporter_and_the_team(
    client, two_concerns, dsl, deputy, head, teacher, pupil, make_user
):
    sign_in(client, dsl, verified=True)
    client.get("/audit/export.csv", {"subject": f"records.student:{pupil.pk}"})
    (export,) = LogEntry.objects.filter(additional_data__how="audit-export")
    assert export.actor == dsl and export.object_pk == str(dsl.pk)  # about the exporter
    sign_in(client, deputy, verified=True)
    assert export.pk in {row["entry"].pk for row in rows(client)[1]}
    sign_in(client, head, verified=True)
    assert export.pk not in {row["entry"].pk for row in rows(client)[1]}
    # Decided when read: a head appointed after the export does not see it either.
    later = make_user("newhead", Role.TEACHER)
    later.groups.add(group_for(Role.HEAD_TEACHER))
    later.refresh_roles()
    sign_in(client, later, verified=True)
    assert export.pk not in {row["entry"].pk for row in rows(client)[1]}


def test_a_real_record_and_a_made_up_one_leave_the_same_export_entry(client, two_concerns, head):
    concern = Concern.objects.first()
    sign_in(client, head, verified=True)
    client.get("/audit/export.csv", {"object": f"safeguarding.concern:{concern.pk}"})
    client.get("/audit/export.csv", {"object": f"safeguarding.concern:{uuid.uuid4()}"})
    real, made_up = LogEntry.objects.filter(additional_data__how="audit-export").order_by("pk")
    _, shown = rows(client)
    seen = {row["entry"].pk for row in shown}
    assert real.pk in seen and made_up.pk in seen
    assert real.object_pk == made_up.object_pk == str(head.pk)


def test_an_export_without_any_filter_is_everything_the_reader_sees(client, dsl, teacher, pupil):
    sign_in(client, teacher)
    client.get(f"/records/students/{pupil.pk}/")
    sign_in(client, dsl, verified=True)
    response = client.get("/audit/export.csv")
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert len(lines) > 1
    entry = LogEntry.objects.filter(additional_data__how="audit-export").get()
    assert "(everything)" in entry.additional_data["reason"]


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["teacher", "office", "parent", "governor"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_nobody_else_reads_or_exports_the_trail(client, request, persona, path):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(path).status_code == 404
    assert not LogEntry.objects.filter(additional_data__how="audit-export").exists()


@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_the_team_and_head_read_and_export_only_verified(client, request, persona, path):
    reader = request.getfixturevalue(persona)
    sign_in(client, reader)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert not LogEntry.objects.filter(additional_data__how="audit-export").exists()
    sign_in(client, reader, verified=True)
    assert client.get(path).status_code == 200


# --- cost --------------------------------------------------------------------------------------


def _queries(client, count: int, pupil, teacher, **query) -> int:
    for _ in range(count):
        LogEntry.objects.log_create(
            pupil,
            action=LogEntry.Action.ACCESS,
            force_log=True,
            actor=teacher,
            additional_data={"how": "view", "subject": f"records.student:{pupil.pk}"},
        )
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/audit/", query).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [{}, {"subject": "records.student:{pk}", "find": "t"}, {"object": "records.student:{pk}"}],
)
def test_the_trail_costs_the_same_number_of_queries_at_any_size(
    client, dsl, teacher, office, pupil, query
):
    query = {k: v.format(pk=pupil.pk) for k, v in query.items()}
    sign_in(client, dsl, verified=True)
    client.get("/audit/", query)  # caches warmed (content types, the session)
    # A full first page either way (kinds of entry on the page may cost their own naming
    # query, ``words.entry_names``); the whole trail's size must not cost more.
    small = _queries(client, 50, pupil, teacher, **query)
    large = _queries(client, 200, pupil, teacher, **query)
    assert small == large


# --- the demo school ---------------------------------------------------------------------------


def test_the_demo_schools_history_names_who_did_it(demo_school):
    safeguarding = LogEntry.objects.filter(content_type__app_label="safeguarding")
    records = LogEntry.objects.filter(content_type__app_label="records")
    assert safeguarding.exists() and records.exists()
    assert not safeguarding.filter(actor=None).exists()
    assert not records.filter(actor=None).exists()
    User = get_user_model()
    dsl = User.objects.get(username="dsl")
    teacher = User.objects.get(username="teacher")
    concern = Concern.objects.get(idempotency_key=uuid.uuid5(_demo_namespace(), "with-actions"))
    by = {
        (entry.content_type.model, entry.action): entry.actor
        for entry in LogEntry.objects.filter(
            content_type__app_label="safeguarding", object_pk=str(concern.pk)
        )
    }
    assert by[("concern", LogEntry.Action.CREATE)] == teacher  # she raised it
    assert dsl in {
        entry.actor
        for entry in LogEntry.objects.get_for_object(concern).filter(action=LogEntry.Action.UPDATE)
    }  # the DSL triaged it
    child = Student.objects.order_by("upn").first()
    grade = LogEntry.objects.filter(content_type__model="grade").first()
    assert grade.actor == teacher and child is not None


def _demo_namespace():
    from safeguarding.demo import NAMESPACE

    return NAMESPACE


def test_looks_named_by_reference_belong_to_their_record(client, two_concerns, dsl, head, pupil):
    """The chronology look names its record only by a keyed reference; "who has seen" that
    record still lists it, for the team only. An export of a concern's trail is about its
    exporter (``reading.EXPORT``), not filed under the concern."""
    first, _ = two_concerns
    sign_in(client, dsl, verified=True)
    client.get(f"/safeguarding/children/{pupil.pk}/chronology/")
    client.get("/audit/export.csv", {"object": f"safeguarding.concern:{first.pk}"})
    _, shown = rows(client, object=f"records.student:{pupil.pk}")
    assert "opened the safeguarding file of" in {row["did"] for row in shown}
    _, shown = rows(client, object=f"safeguarding.concern:{first.pk}")
    assert not [row for row in shown if row["how"] == "audit-export"]
    _, shown = rows(client, person=dsl.pk)
    (export,) = [row for row in shown if row["how"] == "audit-export"]
    assert first.reference not in export["entry"].object_repr
    sign_in(client, head, verified=True)
    _, shown = rows(client, object=f"records.student:{pupil.pk}")
    assert not [row for row in shown if row["entry"].object_pk.startswith("#")]


def test_every_kind_of_look_written_in_the_code_has_words():
    """A ``how`` written anywhere (``how="..."``, a list look's name, an account event) reads
    in words in the trail, never as a code: the core's words or its app's ``audit_words``."""
    import re
    from pathlib import Path

    from confidentiality.account_alerts import EVENTS
    from confidentiality.team import HANDOVER_HOW

    root = Path(__file__).resolve().parents[2]
    written = set(EVENTS) | set(HANDOVER_HOW.values())
    patterns = [
        re.compile(r'\bhow="([^"]+)"'),
        re.compile(r'record_list_look\(\s*request,\s*"([^"]+)"'),
        re.compile(r'(?:_child|open_child_file)\(request, pk, "([^"]+)"\)'),
        re.compile(r'"how": "([^"]+)"'),
        re.compile(r'^HOW = "([^"]+)"', re.MULTILINE),
    ]
    for app in ("confidentiality", "records", "safeguarding"):
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                source = path.read_text()
                for pattern in patterns:
                    written |= set(pattern.findall(source))
    described = {how for _, how in words.access_words()}
    assert written and not written - described, sorted(written - described)


def test_a_person_chosen_by_id_is_named_only_if_the_reader_sees_their_entries(
    client, head, teacher, pupil, make_user
):
    stranger = make_user("stranger", Role.PARENT)
    sign_in(client, teacher)
    client.get(f"/records/students/{pupil.pk}/")
    sign_in(client, head, verified=True)
    response = client.get("/audit/", {"person": stranger.pk})
    assert stranger.get_full_name() not in response.content.decode()
    response = client.get("/audit/", {"person": teacher.pk})
    assert teacher.get_full_name() in response.content.decode()


# --- fourth review, 3: the heading names a record only for a reader who sees its entries ------
# ``/audit/?object=performance.performancefile:<id>`` showed the DSL "Who has seen Performance
# file 2026–27 of Tom Bennett" with no entry under it; the same for governors' meetings.


def _heading(client, key) -> tuple[str, int]:
    response = client.get("/audit/", {"object": key})
    assert response.status_code == 200
    text = response.content.decode()
    start = text.index("<h1")
    return text[start : text.index("</h1>", start)], response.context["page"].paginator.count


def _people(*usernames):
    return [get_user_model().objects.get(username=name) for name in usernames]


def test_the_dsl_is_not_told_the_name_of_a_performance_file(client, demo_school):
    from performance.models import PerformanceFile

    dsl, head = _people("dsl", "head")
    file = PerformanceFile.objects.filter(subject__first_name="Tom").first()
    key = f"performance.performancefile:{file.pk}"
    sign_in(client, dsl, verified=True)
    heading, count = _heading(client, key)
    assert count == 0
    assert "Who has seen this record" in heading and "Performance file" not in heading
    assert f"Who has seen {file}" not in client.get("/audit/", {"object": key}).content.decode()
    # The other side: the head teacher, who reads the file's entries, sees it named.
    sign_in(client, head, verified=True)
    heading, count = _heading(client, key)
    assert count > 0 and f"Who has seen {file}" in heading


def test_a_governors_meeting_is_named_only_once_the_reader_sees_an_entry(client, demo_school):
    """A meeting nobody's entry is about yet (written with the change log off): the DSL who
    types its id learns nothing of it. Once an entry about it is readable, it is named."""
    from auditlog.context import disable_auditlog, set_actor
    from django.utils import timezone

    from governance.models.meetings import Meeting

    dsl, head, clerk = _people("dsl", "head", "clerk")
    with disable_auditlog():
        meeting = Meeting(held_at=timezone.now(), place="School library", called_by=clerk)
        meeting.save()
    key = f"governance.meeting:{meeting.pk}"
    for reader in (dsl, head):
        sign_in(client, reader, verified=True)
        heading, count = _heading(client, key)
        assert count == 0
        assert "Who has seen this record" in heading and "governing body" not in heading
    with set_actor(clerk):
        meeting.place = "Main hall"
        meeting.save()
    for reader in (dsl, head):
        sign_in(client, reader, verified=True)
        heading, count = _heading(client, key)
        if count:  # whoever reads the meeting's entries sees it named
            assert f"Who has seen {meeting}" in heading
        else:
            assert "Who has seen this record" in heading
    sign_in(client, head, verified=True)
    assert _heading(client, key)[1] > 0  # the head reads it: the named side was tested


def test_a_demo_meeting_is_named_for_a_reader_who_sees_its_entries(client, demo_school):
    from governance.models.meetings import Meeting

    (head,) = _people("head")
    meeting = Meeting.objects.order_by("held_at").first()
    sign_in(client, head, verified=True)
    heading, count = _heading(client, f"governance.meeting:{meeting.pk}")
    assert count > 0 and f"Who has seen {meeting}" in heading
