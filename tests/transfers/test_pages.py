"""The DSL's transfer pages: only the safeguarding team, verified; every look audited; bad input
answered with a clear message and nothing typed lost; the deadline in school days; overdue
transfers on the dashboard."""

import json
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from transfers import sending
from transfers.models import PartnerSchool, SchoolKeys, Transfer

from .helpers import record_partner, school

pytestmark = pytest.mark.django_db

PAGES = ["home", "prepare", "keys", "keys_file", "partners", "import"]


@pytest.mark.parametrize("name", PAGES)
def test_the_safeguarding_team_opens_each_page(client, dsl, name):
    sign_in(client, dsl, verified=True)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    assert client.get(reverse(f"transfers:{name}")).status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


@pytest.mark.parametrize("who", ["teacher", "head", "office", "governor", "parent"])
def test_nobody_else_finds_them(client, request, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    for name in PAGES:
        assert client.get(reverse(f"transfers:{name}")).status_code == 404


def test_the_team_confirms_the_second_factor_first(client, deputy):
    sign_in(client, deputy)
    response = client.get(reverse("transfers:home"))
    assert response.status_code == 302 and "verify" in response["Location"]


@pytest.fixture
def hillside():
    return record_partner(school("Hillside Academy", "654321"))


def test_preparing_for_a_partner_school(client, dsl, child_with_file, hillside):
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("transfers:prepare"),
        {"child": child_with_file.pk, "partner": hillside.pk, "starts_on": "2027-03-05"},
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:transfer", kwargs={"pk": transfer.pk})
    # The child was opened for the file (an export), by blind reference.
    assert LogEntry.objects.filter(additional_data__how="export").exists()
    page = client.get(response["Location"])
    assert b"12 March 2027" in page.content  # five school days after Friday 5 March
    sealed = client.get(reverse("transfers:sealed_file", kwargs={"pk": transfer.pk}))
    assert json.loads(b"".join(sealed.streaming_content))["recipient"]["name"] == "Hillside Academy"
    client.post(reverse("transfers:mark_sent", kwargs={"pk": transfer.pk}))
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.SENT and transfer.sent_at


def test_a_wrong_receipt_is_refused_on_the_page(client, dsl, child_with_file, hillside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    transfer = sending.prepare(
        student=child_with_file, by=dsl, starts_on=timezone.localdate(), partner=hillside
    ).transfer
    sign_in(client, dsl, verified=True)
    bad = SimpleUploadedFile("receipt.json", b'{"format": "something"}')
    response = client.post(
        reverse("transfers:record_receipt", kwargs={"pk": transfer.pk}), {"receipt": bad}
    )
    assert response.status_code == 400
    assert b"This is not a receipt for a file this school sent." in response.content
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PREPARED


def test_a_school_without_the_software_gets_a_link_and_a_passphrase_once(
    client, dsl, child_with_file
):
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("transfers:prepare"),
        {
            "child": child_with_file.pk,
            "school_name": "Oldtown Primary",
            "school_urn": "123",
            "starts_on": "2027-03-05",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    transfer = Transfer.objects.get()
    text = response.content.decode()
    assert "/transfers/collect/" in text and "Passphrase" in text
    # The transfer's own page never shows them again.
    page = client.get(reverse("transfers:transfer", kwargs={"pk": transfer.pk})).content.decode()
    assert "/transfers/collect/" not in page
    client.post(reverse("transfers:confirm_by_phone", kwargs={"pk": transfer.pk}))
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.CONFIRMED and transfer.confirmed_by == dsl
    # Confirmed means it was sent and received too: the page never says "Sent: Not yet".
    assert transfer.sent_at and transfer.received_at
    page = client.get(reverse("transfers:transfer", kwargs={"pk": transfer.pk})).content.decode()
    assert "Not yet" not in page


def test_a_file_that_arrived_late_keeps_saying_so(client, dsl, child_with_file):
    sign_in(client, dsl, verified=True)
    client.post(
        reverse("transfers:prepare"),
        {"child": child_with_file.pk, "school_name": "Oldtown Primary", "starts_on": "2026-09-01"},
    )
    transfer = Transfer.objects.get()
    assert transfer.is_overdue()
    client.post(reverse("transfers:confirm_by_phone", kwargs={"pk": transfer.pk}))
    page = client.get(reverse("transfers:transfer", kwargs={"pk": transfer.pk})).content.decode()
    assert "Arrived after this date" in page


def test_a_form_with_a_mistake_says_so_and_keeps_what_was_typed(client, dsl, child_with_file):
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("transfers:prepare"),
        {"child": child_with_file.pk, "school_urn": "999888", "starts_on": "2027-03-05"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose the new school from the list, or type its name" in text
    assert 'value="999888"' in text and 'value="2027-03-05"' in text
    assert not Transfer.objects.exists()


def test_a_partner_is_recorded_only_when_the_fingerprint_matches(client, dsl):
    sign_in(client, dsl, verified=True)
    keys = school("Hillside Academy").public_keys()
    wrong = client.post(
        reverse("transfers:partners"),
        {"keys": json.dumps(keys), "fingerprint": "0000 " * 8},
    )
    assert wrong.status_code == 400
    assert b"does not match the keys you pasted" in wrong.content
    assert b"Hillside Academy" in wrong.content  # the pasted keys are still there
    assert not PartnerSchool.objects.exists()
    right = client.post(
        reverse("transfers:partners"),
        {"keys": json.dumps(keys), "fingerprint": keys["fingerprint"].lower()},
    )
    assert right.status_code == 302
    assert PartnerSchool.objects.get().recorded_by == dsl


def test_the_keys_page_shows_the_public_keys_never_the_private(client, dsl):
    sign_in(client, dsl, verified=True)
    keys = SchoolKeys.current()
    page = client.get(reverse("transfers:keys")).content.decode()
    assert keys.fingerprint in page
    assert keys.signing_private not in page and keys.encryption_private not in page
    downloaded = client.get(reverse("transfers:keys_file"))
    data = json.loads(b"".join(downloaded.streaming_content))
    assert data["signing_key"] == keys.signing_key and "private" not in json.dumps(data)


def test_the_private_keys_are_encrypted_at_rest():
    from django.db import connection

    keys = SchoolKeys.current()
    with connection.cursor() as cursor:
        cursor.execute("SELECT signing_private, encryption_private FROM transfers_schoolkeys")
        stored = cursor.fetchone()
    assert keys.signing_private not in str(stored) and keys.encryption_private not in str(stored)


def test_importing_in_the_browser_gives_the_receipt(client, dsl, child_with_file):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import content_for, sealed_file

    northgate = school()
    record_partner(northgate)
    data = sealed_file(content_for(child_with_file, dsl, northgate), northgate)
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("transfers:import"), {"file": SimpleUploadedFile("file.json", data)}
    )
    assert response.status_code == 200
    assert b"Download the signed receipt" in response.content
    from transfers.models import ReceivedTransfer

    received = ReceivedTransfer.objects.get()
    receipt = client.get(reverse("transfers:receipt", kwargs={"pk": received.pk}))
    assert json.loads(b"".join(receipt.streaming_content))["transfer_id"] == str(
        received.transfer_id
    )
    again = client.post(
        reverse("transfers:import"), {"file": SimpleUploadedFile("file.json", data)}
    )
    assert again.status_code == 400 and b"already been imported" in again.content


def test_the_deadline_counts_school_days():
    # Friday 5 March 2027: the weekend does not count.
    due = Transfer.deadline_for(date(2027, 3, 5))
    assert timezone.localtime(due).date() == date(2027, 3, 12)


def test_overdue_transfers_are_on_the_dashboard(client, dsl, child_with_file):
    prepared = sending.prepare(
        student=child_with_file,
        by=dsl,
        starts_on=timezone.localdate(),
        school_name="Oldtown Primary",
    )
    Transfer.objects.filter(pk=prepared.transfer.pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Child-protection files to other schools" in page
    assert "1 overdue" in page and "Overdue: file for Oldtown Primary" in page


def test_the_demo_school_shows_an_overdue_transfer(client, demo_school):
    from confidentiality.models import User

    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.SENT and transfer.is_overdue()
    sign_in(client, User.objects.get(username="dsl"), verified=True)
    page = client.get(reverse("dashboard")).content.decode()
    assert f"Overdue: file for {transfer.school_name}" in page
