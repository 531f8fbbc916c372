"""P17: the head teacher's termly report to governors. The head drafts it and sends it for a
meeting; governors and the clerk read it once sent, its public items and the safeguarding
statistics (numbers only); its confidential items only with the confidential minutes of that
meeting, never on the report page for everyone."""

import pytest

from governance.models import HeadReport
from tests.conftest import sign_in

from .conftest import CONFIDENTIAL_REPORT_ITEM, PUBLIC_REPORT_ITEM, access_entries


@pytest.fixture
def draft(head, meeting):
    report = HeadReport(term="autumn", school_year="2026/27", meeting=meeting, written_by=head)
    report.save()
    return report


def test_the_head_starts_a_report_and_a_slip_loses_nothing(client, head, meeting):
    sign_in(client, head, verified=True)
    response = client.post(
        "/governors/reports/new/",
        {"term": "autumn", "school_year": "2026-27", "meeting": str(meeting.pk)},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Enter the school year like 2026/27." in page
    assert 'value="2026-27"' in page
    response = client.post(
        "/governors/reports/new/",
        {"term": "autumn", "school_year": "2026/27", "meeting": str(meeting.pk)},
    )
    report = HeadReport.objects.get()
    assert response["Location"] == f"/governors/reports/{report.pk}/"
    assert report.written_by == head and not report.include_statistics


def test_the_head_writes_items_and_sends_the_report(client, head, governor, draft):
    sign_in(client, head, verified=True)
    url = f"/governors/reports/{draft.pk}/items/"
    assert client.post(url, {"heading": "Attendance", "text": ""}).status_code == 400
    client.post(url, {"heading": "Attendance", "text": PUBLIC_REPORT_ITEM})
    client.post(
        url, {"heading": "Staffing", "text": CONFIDENTIAL_REPORT_ITEM, "confidential": "on"}
    )
    assert [i.confidential for i in draft.items.all()] == [False, True]
    # A draft is the head's alone.
    client.logout()
    sign_in(client, governor)
    assert client.get(f"/governors/reports/{draft.pk}/").status_code == 404
    assert str(draft.pk) not in client.get("/governors/reports/").content.decode()
    client.logout()
    sign_in(client, head, verified=True)
    response = client.post(f"/governors/reports/{draft.pk}/send/", follow=True)
    assert "The report is sent to governors." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_sent and draft.statistics["tables"]
    # Once sent it is fixed.
    response = client.post(url, {"heading": "Late", "text": "Too late."})
    assert "no longer changed" in response.content.decode()
    assert draft.items.count() == 2


def test_a_report_is_sent_only_for_a_meeting(client, head):
    report = HeadReport(term="spring", school_year="2026/27", written_by=head)
    report.save()
    report.items.create(number=1, heading="A", text="B")
    sign_in(client, head, verified=True)
    response = client.post(f"/governors/reports/{report.pk}/send/", follow=True)
    assert "Choose the meeting the report goes to" in response.content.decode()


@pytest.mark.parametrize("persona", ["governor", "apologetic", "clerk"])
def test_governors_read_the_public_items_and_the_statistics(client, request, persona, report):
    sign_in(client, request.getfixturevalue(persona))
    before = access_entries().count()
    page = client.get(f"/governors/reports/{report.pk}/").content.decode()
    assert PUBLIC_REPORT_ITEM in page
    assert CONFIDENTIAL_REPORT_ITEM not in page
    assert "1 confidential item of this report is read with the confidential minutes" in page
    assert "Safeguarding statistics" in page
    assert access_entries().count() - before == 1


def test_the_head_reads_every_item_of_her_report(client, head, report):
    sign_in(client, head, verified=True)
    assert (
        CONFIDENTIAL_REPORT_ITEM in client.get(f"/governors/reports/{report.pk}/").content.decode()
    )


@pytest.mark.parametrize("persona", ["parent", "teacher", "dsl"])
def test_nobody_else_reads_the_report(client, request, persona, report):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.get(f"/governors/reports/{report.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["governor", "clerk"])
def test_only_the_head_writes_it(client, request, persona, draft):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get("/governors/reports/new/").status_code == 404
    assert client.post(f"/governors/reports/{draft.pk}/items/", {}).status_code == 404
    assert client.post(f"/governors/reports/{draft.pk}/send/").status_code == 404


def test_the_draft_shows_todays_statistics_to_the_head(client, head, draft):
    draft.include_statistics = True
    draft.save()
    sign_in(client, head, verified=True)
    page = client.get(f"/governors/reports/{draft.pk}/").content.decode()
    assert "Concerns about children, by category and term" in page
    assert "Referrals about children to outside agencies" in page
    assert "Safeguarding training and policy reading" in page
