"""The demo school's governing body: two meetings with both sets of minutes, the first approved
at the second and published, the head's report with a confidential item, and a governor who sent
apologies to the second meeting and so cannot read its confidential minutes."""

from confidentiality.models import User
from governance.models import HeadReport, Meeting
from tests.conftest import sign_in


def test_the_demo_governing_body(client, demo_school):
    first, second = Meeting.objects.order_by("held_at")
    assert first.minutes_published and first.minutes_approved_at == second
    assert not second.minutes_approved
    assert first.confidential_minutes.exists() and second.confidential_minutes.exists()
    report = HeadReport.objects.get()
    assert report.meeting == second and report.is_sent and report.confidential_items().exists()

    public = client.get("/governors/minutes/").content.decode()
    assert "energy costs" in public  # the first meeting's public minutes
    assert "flexible working" not in public  # its confidential minutes

    sign_in(client, User.objects.get(username="governor3"))
    assert client.get(f"/governors/meetings/{second.pk}/confidential/").status_code == 404
    assert client.get(f"/governors/meetings/{first.pk}/confidential/").status_code == 200
    client.logout()
    sign_in(client, User.objects.get(username="governor"), verified=True)  # the chair: both
    page = client.get(f"/governors/meetings/{second.pk}/confidential/").content.decode()
    assert "reviewed a suspension" in page and "one suspension this term" in page
