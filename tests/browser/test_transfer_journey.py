"""Sending a child's child-protection file in a real browser (P14): the DSL, with a second
factor, records a partner school after comparing its fingerprint (a wrong one is caught, the
pasted keys kept), prepares the child's file for it, downloads the sealed file and marks it sent;
then prepares one for a school without this software, is shown the link and the passphrase once;
imports a file another school sent and downloads its receipt; and the other school collects the
file through the link with the passphrase. axe finds no serious
or critical violation on any of the pages, at desktop and phone width."""

import json
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.transfers.conftest import (  # noqa: F401  (the fixtures)
    child_with_file,
    child_with_record,
)
from tests.transfers.helpers import content_for, record_partner, school, sealed_file
from transfers.models import Transfer

from .conftest import log_in
from .test_safeguarding_journey import confirm_second_factor
from .test_security_journeys import check

pytestmark = pytest.mark.browser


def test_the_dsl_prepares_and_sends_a_childs_file(
    transactional_db,
    live_server,
    page,
    dsl,
    child_with_file,  # noqa: F811
    tmp_path,
    settings,
):
    # The one-time link is made from the site's own address, never the request's Host.
    settings.SITE_URL = live_server.url
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/transfers/")
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_have_text("Child-protection files to and from other schools")
    check(page, "Transfers")

    page.get_by_role("link", name="This school's keys").click()
    expect(page.locator(".fingerprint")).to_be_visible()
    check(page, "This school's keys")
    page.go_back()

    # The partner school: a wrong fingerprint is caught and the pasted keys are kept.
    keys = json.dumps(school("Hillside Academy", "654321").public_keys())
    fingerprint = json.loads(keys)["fingerprint"]
    page.get_by_role("link", name="Partner schools").click()
    page.get_by_label("The school's public keys").fill(keys)
    page.get_by_label("The fingerprint the school read to you by phone").fill("1234 5678")
    page.get_by_role("button", name="Record the school").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("does not match the keys you pasted")
    expect(page.get_by_label("The school's public keys")).to_have_value(keys)
    check(page, "Partner schools with an error")
    page.get_by_label("The fingerprint the school read to you by phone").fill(fingerprint)
    page.get_by_role("button", name="Record the school").click()
    expect(page.locator(".messages")).to_contain_text("Hillside Academy (URN 654321) recorded")
    check(page, "Partner schools")

    # The child's file for Hillside.
    page.goto(f"{live_server.url}/transfers/")
    page.get_by_role("link", name="Send a child's file to a new school").click()
    check(page, "Send a child's file")
    page.get_by_label("Child who is leaving").select_option(label="Moss, Ada (year 3)")
    page.get_by_role("button", name="Prepare the file").click()
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("The child's new school").select_option(label="Hillside Academy (URN 654321)")
    page.get_by_label("The day the child starts at the new school").fill("2027-03-05")
    page.get_by_role("button", name="Prepare the file").click()
    expect(page.locator(".messages")).to_contain_text("file is ready for Hillside Academy")
    expect(page.locator("dl.summary")).to_contain_text("12 March 2027")
    check(page, "A transfer, prepared")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download the sealed file").click()
    sealed = json.loads(Path(downloaded.value.path()).read_text())
    assert sealed["recipient"]["fingerprint"] == fingerprint
    page.get_by_role("button", name="Mark it as sent").click()
    expect(page.locator("dl.summary")).to_contain_text("Sent")
    assert Transfer.objects.get().status == Transfer.Status.SENT
    check(page, "A transfer, sent")

    # A school without this software: the link and the passphrase, shown once.
    page.goto(f"{live_server.url}/transfers/prepare/")
    page.get_by_label("Child who is leaving").select_option(label="Moss, Ada (year 3)")
    page.get_by_label("Name of the new school, if it is not listed").fill("Oldtown Primary")
    page.get_by_label("The day the child starts at the new school").fill("2027-03-05")
    page.get_by_role("button", name="Prepare the file").click()
    expect(page.locator("h1")).to_contain_text("The link and passphrase for Oldtown Primary")
    check(page, "The link and the passphrase")
    link = page.get_by_label("Link").input_value()
    passphrase = page.locator(".passphrase").inner_text()

    # A file from another school, imported in the browser: the receipt is offered.
    northgate = school()
    record_partner(northgate)
    incoming = tmp_path / "from-northgate.json"
    incoming.write_bytes(sealed_file(content_for(child_with_file, dsl, northgate), northgate))
    page.goto(f"{live_server.url}/transfers/import/")
    check(page, "Import a file")
    page.get_by_label("The file the other school sent").set_input_files(str(incoming))
    page.get_by_role("button", name="Import the file").click()
    expect(page.locator("h1")).to_have_text("File imported from Northgate School")
    check(page, "A file imported")
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Download the signed receipt").click()
    assert json.loads(Path(receipt.value.path()).read_text())["format"].endswith("receipt")

    # The other school, not signed in here, collects it.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Collect a child's file from another school")
    check(page, "Collect a file")
    page.get_by_label("Passphrase").fill("not-it")
    page.get_by_role("button", name="Download the file").click()
    expect(page.locator(".error-summary")).to_contain_text("That passphrase is not right")
    check(page, "Collect a file with a wrong passphrase")
    page.get_by_label("Passphrase").fill(passphrase)
    with page.expect_download() as collected:
        page.get_by_role("button", name="Download the file").click()
    assert collected.value.suggested_filename.endswith(".zip")
    page.goto(link)
    expect(page.locator("h1")).to_have_text("This link no longer works")
    check(page, "A link already used")


def test_the_office_sends_a_leaver_s_pupil_record_and_imports_a_joiner_s(
    transactional_db,
    live_server,
    page,
    office,
    child_with_record,  # noqa: F811
    tmp_path,
):
    """The office, with a second factor, sends a child's pupil record to a partner school (a
    mistake caught, nothing typed lost), downloads it and marks it sent, and imports a record
    another school sent. axe-clean at desktop and phone width; no word of a child-protection
    file on any page."""
    from tests.transfers.test_pupil_record import _sealed_record_from
    from transfers.models import RecordTransfer

    hillside = record_partner(school("Hillside Academy", "654321"))
    device = TOTPDevice.objects.create(user=office, name="Phone", confirmed=True)
    log_in(page, live_server, "office")
    page.goto(f"{live_server.url}/transfers/records/")
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_have_text("Pupil records to and from other schools")
    check(page, "Pupil records")

    page.get_by_role("link", name="Send a pupil record to a new school").click()
    page.get_by_label("Child who is leaving").select_option(label="Moss, Ada (year 3)")
    page.get_by_label("The day the child left this school").fill("2027-01-08")
    page.get_by_role("button", name="Prepare the record").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("The day the child left this school")).to_have_value("2027-01-08")
    check(page, "Send a pupil record with an error")
    page.get_by_label("The child's new school").select_option(label=str(hillside))
    page.get_by_role("button", name="Prepare the record").click()
    expect(page.locator(".messages")).to_contain_text("pupil record is ready for Hillside Academy")
    expect(page.locator("dl.summary")).to_contain_text("29 January 2027")
    check(page, "A pupil record, prepared")
    assert "child-protection" not in page.locator("main").inner_text().lower()
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download the sealed file").click()
    assert json.loads(Path(downloaded.value.path()).read_text())["kind"] == "pupil-record"
    page.get_by_role("button", name="Mark it as sent").click()
    expect(page.locator("dl.summary")).to_contain_text("Sent")
    assert RecordTransfer.objects.get().status == RecordTransfer.Status.SENT
    check(page, "A pupil record, sent")

    # A joiner's record from Northgate, imported.
    northgate = school()
    record_partner(northgate)
    incoming = tmp_path / "record-from-northgate.json"
    incoming.write_bytes(
        _sealed_record_from(northgate, child_with_record, office, upn="J000000000001")
    )
    page.goto(f"{live_server.url}/transfers/records/import/")
    check(page, "Import a pupil record")
    page.get_by_label("The file the other school sent").set_input_files(str(incoming))
    page.get_by_role("button", name="Import the record").click()
    expect(page.locator("h1")).to_have_text("Pupil record imported from Northgate School")
    check(page, "A pupil record imported")
    page.goto(f"{live_server.url}/transfers/records/")
    check(page, "Pupil records, with one sent and one received")
