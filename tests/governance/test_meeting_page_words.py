"""The meeting page names the head teacher's report once: "The head teacher's report for this
meeting: Autumn term 2026/27", not "Head teacher's report: Head teacher's report, ..."."""

from tests.conftest import sign_in


def test_the_meeting_page_names_the_heads_report_once(client, governor, meeting, report):
    sign_in(client, governor, verified=True)
    page = client.get(f"/governors/meetings/{meeting.pk}/").content.decode().replace("&#x27;", "'")
    assert "The head teacher's report for this meeting:" in page
    assert f'href="/governors/reports/{report.pk}/"' in page
    assert "Autumn term 2026/27</a>" in page
    assert "Head teacher's report: Head teacher's report" not in page
