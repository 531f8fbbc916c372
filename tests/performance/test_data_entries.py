"""P18: performance data as dated entries, added by the holder or the reviewer the file is
delegated to, read by the member of staff, encrypted at rest; the free text written before the
entries came is kept as the first entry."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from performance.models import PerformanceDataEntry
from tests.conftest import sign_in

TODAY = timezone.localdate()
ENTRY = {
    "recorded_on": TODAY.isoformat(),
    "title": "Year 6 reading outcomes",
    "data": "27 of 30 at the expected standard, up from 21",
}


def _add(client, file, data=ENTRY):
    return client.post(reverse("performance:add_data_entry", kwargs={"pk": file.pk}), data)


@pytest.mark.parametrize("who", ["head", "line_manager"])
def test_the_holder_and_the_reviewer_add_an_entry_the_member_of_staff_reads(
    client, request, teacher, teacher_file, delegation, who
):
    sign_in(client, request.getfixturevalue(who), verified=True)
    response = _add(client, teacher_file)
    assert response.status_code == 302 and response.url.endswith("#data")
    entry = PerformanceDataEntry.objects.get(file=teacher_file)
    assert entry.title == ENTRY["title"] and entry.recorded_on == TODAY
    assert entry.added_by == request.getfixturevalue(who)
    client.logout()
    sign_in(client, teacher)
    page = client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk})).content.decode()
    assert "Year 6 reading outcomes" in page and ENTRY["data"] in page
    assert f"{TODAY:%-d %B %Y}" in page
    assert reverse("performance:add_data_entry", kwargs={"pk": teacher_file.pk}) not in page


@pytest.mark.parametrize("who", ["teacher", "dsl", "other_teacher", "observer", "chair"])
def test_nobody_else_adds_one(client, request, teacher_file, draft_observation, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    assert _add(client, teacher_file).status_code == 404
    assert not PerformanceDataEntry.objects.exists()


def test_a_reviewer_whose_delegation_ended_adds_nothing(
    client, head, line_manager, teacher_file, delegation
):
    delegation.end(by=head)
    sign_in(client, line_manager)
    assert _add(client, teacher_file).status_code == 404
    assert not PerformanceDataEntry.objects.exists()


def test_bad_input_says_what_is_wrong_and_keeps_what_was_typed(client, head, teacher_file):
    sign_in(client, head, verified=True)
    future = (TODAY + timezone.timedelta(days=2)).isoformat()
    response = _add(client, teacher_file, {**ENTRY, "title": "", "recorded_on": future})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This date is in the future" in page and "Say what it is" in page
    assert ENTRY["data"] in page
    assert not PerformanceDataEntry.objects.exists()


def test_entries_are_encrypted_at_rest(head, teacher_file):
    PerformanceDataEntry(
        file=teacher_file,
        title="Year 6 reading outcomes",
        data="27 of 30 at the expected standard",
        added_by=head,
    ).save()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PerformanceDataEntry._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    stored = repr(rows)
    assert len(rows) == 1 and str(teacher_file.pk).replace("-", "") in stored.replace("-", "")
    assert "Year 6" not in stored and "27 of 30" not in stored
