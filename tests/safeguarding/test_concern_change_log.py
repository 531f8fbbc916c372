"""Who a concern names is part of its history: each child named has its own change-log entry,
so a later question ("when was her brother added?") has an answer (P3, P5)."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from safeguarding.models import ConcernSubject


def test_every_child_named_in_a_concern_is_in_the_change_log(
    raise_concern, teacher, team, pupil, student_factory
):
    brother = student_factory(first_name="Leo", last_name="Quinn")
    concern = raise_concern(teacher, [pupil, brother])
    subjects = ConcernSubject.objects.filter(concern=concern)
    assert subjects.count() == 2
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ConcernSubject),
        action=LogEntry.Action.CREATE,
    )
    assert sorted(entries.values_list("object_pk", flat=True)) == sorted(
        str(pk) for pk in subjects.values_list("pk", flat=True)
    )
    assert all(entry.actor is None or entry.actor == teacher for entry in entries)
    assert all("Leo" not in entry.object_repr for entry in entries)


def test_a_concern_about_nobody_in_particular_logs_no_child(raise_concern, teacher, team):
    raise_concern(teacher, [])
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ConcernSubject)
    ).exists()
