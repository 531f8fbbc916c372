"""What a copy of the database shows of a performance file (nothing of its content, pay
recommendation, outcomes or ratings), and the audit of every look (P18): one entry per look,
in words, kept from every reader of the trail but the head teacher."""

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import connection
from django.urls import reverse

from confidentiality.audit.reading import readable_entries
from confidentiality.audit.words import did
from performance.models import ObservationSheet, PerformanceDataEntry
from tests.conftest import sign_in

SECRETS = [
    "Raise reading",
    "80% at standard",
    "Talked about reading",
    "Objectives agreed",
    "Reading results rose sharply",
    "Year 6 reading outcomes",
    "Exceptional progress, recommend",
    "progress",  # the pay recommendation's stored value
    "Area for support",
    "support",  # a rating's stored value
    "Rushed plenary",
    "Confident questioning",
    "I disagree with the outcome",
    "secret-sheet.pdf",
    "SHEET CONTENT",
    "3 Oak, reading",
]


def _every_value_in_the_app_tables() -> str:
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("performance").get_models():
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 (our tables)
            for row in cursor.fetchall():
                found.extend(
                    value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    for value in row
                )
    return "\n".join(found)


def test_a_database_copy_reveals_no_content(teacher_file, review, draft_observation, observer):
    PerformanceDataEntry(
        file=teacher_file,
        title="Year 6 reading outcomes",
        data="Reading results rose sharply",
        added_by=teacher_file.opened_by,
    ).save()
    teacher_file.pay_recommendation = "progress"
    teacher_file.pay_reasons = "Exceptional progress, recommend"
    teacher_file.save()
    review.comment("I disagree with the outcome", sign_off=True)
    draft_observation.ratings = {"planning": {"rating": "support", "comment": "Rushed plenary"}}
    draft_observation.strengths = "Confident questioning"
    draft_observation.areas_to_develop = "Area for support"
    draft_observation.save()
    ObservationSheet(
        observation=draft_observation,
        filename="secret-sheet.pdf",
        content_type="application/pdf",
        size=13,
        content=b"SHEET CONTENT",
        uploaded_by=observer,
    ).save()
    dump = _every_value_in_the_app_tables()
    assert str(teacher_file.pk).replace("-", "") in dump.replace("-", "")  # the dump is real
    leaked = [secret for secret in SECRETS if secret in dump]
    assert not leaked, leaked
    # And the change log masks the fields (it names them, never their values).
    log = "\n".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert "[encrypted]" in log
    for secret in ("Reading results rose sharply", "Year 6 reading outcomes", "Raise reading"):
        assert secret not in log


@pytest.mark.parametrize(
    "who, page",
    [("teacher", "file"), ("head", "file"), ("observer", "observation"), ("head", "observation")],
)
def test_each_look_writes_one_access_entry_in_words(
    client, request, teacher_file, draft_observation, who, page
):
    user = request.getfixturevalue(who)
    sign_in(client, user, verified=True)
    target = teacher_file if page == "file" else draft_observation
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client.get(reverse(f"performance:{page}", kwargs={"pk": target.pk}))
    assert response.status_code == 200
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk")
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry.actor == user and entry.object_pk == str(target.pk)
    assert entry.additional_data["area"] == "performance"
    assert did(entry) == "opened"
    assert entry.additional_data["subject"].endswith(f":{teacher_file.subject.pk}")


def test_a_refused_look_writes_nothing(client, dsl, teacher_file):
    sign_in(client, dsl, verified=True)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk}))
    assert response.status_code == 404
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before


def test_the_trail_shows_performance_work_to_the_head_and_to_no_other_reader(
    client, head, dsl, deputy, teacher_file
):
    sign_in(client, head, verified=True)
    client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk}))
    client.get(reverse("performance:overview"))
    looks = LogEntry.objects.filter(additional_data__area="performance")
    for reader in (head, dsl, deputy):
        reader.is_verified = lambda: True  # as in the browser, after the second factor
    assert looks.count() == 2
    assert set(looks.values_list("pk", flat=True)) <= set(
        readable_entries(head).values_list("pk", flat=True)
    )
    for reader in (dsl, deputy):
        readable = readable_entries(reader)
        assert not readable.filter(pk__in=looks.values("pk")).exists()
        assert not readable.filter(object_pk=str(teacher_file.pk)).exists()
        assert readable.exists()  # the trail itself still reads
