"""The change log never keeps a child's name: it is append-only, so a name written there would
outlive the record's deletion under the retention schedule. A child's name and pupil number are
logged as changed, never with their value; a class's membership names children by key only."""

import json

from auditlog.models import LogEntry

from records.models import Student, TeachingGroup

NAMES = ("Sofia", "Ahmed", "Sofe", "Sofie", "Ahmad", "A123456789012", "B123456789012")


def _changes_of(obj) -> str:
    entries = LogEntry.objects.get_for_object(obj)
    return " ".join(json.dumps(entry.changes) + entry.changes_text for entry in entries)


def test_the_change_log_of_a_created_and_edited_child_holds_no_name(student_factory):
    child = student_factory(
        first_name="Sofia", last_name="Ahmed", preferred_name="Sofe", upn="A123456789012"
    )
    child.first_name, child.last_name = "Sofie", "Ahmad"
    child.preferred_name, child.upn = "", "B123456789012"
    child.save()

    changes = _changes_of(child)
    for name in NAMES:
        assert name not in changes
    # Each change is still said: which fields changed, masked.
    update = LogEntry.objects.get_for_object(child).filter(action=LogEntry.Action.UPDATE).get()
    assert {"first_name", "last_name", "preferred_name", "upn"} <= set(update.changes_dict)
    assert update.changes_dict["first_name"] == ["[encrypted]", "[encrypted]"]


def test_a_class_membership_entry_names_children_by_key_only(student_factory, teacher):
    child = student_factory(first_name="Sofia", last_name="Ahmed")
    group = TeachingGroup.objects.create(name="3 Oak", year_group=3)

    group.students.add(child)
    group.students.remove(child)
    child.teaching_groups.add(group)
    group.students.clear()
    group.staff.add(teacher)

    entries = LogEntry.objects.get_for_object(group).filter(action=LogEntry.Action.UPDATE)
    logged = " ".join(json.dumps(e.changes) for e in entries)
    assert "Sofia" not in logged and "Ahmed" not in logged
    key = f"records.student:{child.pk}"
    operations = [
        (e.changes["students"]["operation"], e.changes["students"]["objects"])
        for e in entries.order_by("id")
        if "students" in e.changes
    ]
    assert operations == [("add", [key]), ("delete", [key]), ("delete", [key])]
    # Added from the child's side: logged on the child, naming the class by key.
    on_child = LogEntry.objects.get_for_object(child).filter(action=LogEntry.Action.UPDATE)
    assert any(
        e.changes.get("students", {}).get("objects") == [f"records.teachinggroup:{group.pk}"]
        for e in on_child
    )
    staff = [e.changes["staff"]["objects"] for e in entries if "staff" in e.changes]
    assert staff == [[f"confidentiality.user:{teacher.pk}"]]
    assert Student.objects.filter(pk=child.pk).exists()
