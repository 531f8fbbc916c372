"""The DSL finds concerns in a real browser: from a dashboard count to the filtered list, a
filter refused next to its field, and the export of what is listed (accessible, axe)."""

import csv
import io
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding import raising
from safeguarding.models import ConcernSubject

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser


def _raise(author, child, category):
    concern, _ = raising.raise_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "category": category,
            "urgency": "routine",
            "account": "Seen at the gate.",
            "happened_at": timezone.now(),
            "child_told": "observation",
        },
        [(child, ConcernSubject.Part.SUBJECT)],
        [],
    )
    return concern


def test_the_dsl_filters_the_concerns_by_category_and_exports_them(
    transactional_db, live_server, page, dsl, deputy, teacher, pupil, student_factory
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    neglect = _raise(teacher, pupil, "neglect")
    online = _raise(teacher, student_factory(first_name="=SUM(A1)", last_name="Doe"), "online")

    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/safeguarding/")
    confirm_second_factor(page, device)
    page.get_by_role("link", name="1 concern: Neglect").click()
    expect(page.locator("h1")).to_have_text("All concerns")
    table = page.locator("table.data")
    expect(table).to_contain_text(neglect.reference)
    expect(table).not_to_contain_text(online.reference)

    page.get_by_role("link", name="Clear").click()
    expect(table).to_contain_text(online.reference)
    violations = serious_violations(page)
    assert not violations, "Concern list accessibility violations:\n" + describe(violations)

    # A date "to" before the "from": said at the top and next to the field, what was typed kept.
    page.get_by_label("Logged from").fill("2026-03-10")
    page.get_by_label("Logged to").fill("2026-03-01")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem with the filters")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Logged to").click()
    expect(page.get_by_label("Logged to")).to_be_focused()
    expect(page.locator("#id_until_errors")).to_contain_text("choose a later date")
    expect(page.get_by_label("Logged from")).to_have_value("2026-03-10")
    violations = serious_violations(page)
    assert not violations, "Filter error accessibility violations:\n" + describe(violations)

    page.get_by_label("Logged from").fill("")
    page.get_by_label("Logged to").fill("")
    page.get_by_label("Category").select_option(label="Online safety")
    page.get_by_role("button", name="Apply filters").click()
    expect(table).to_contain_text(online.reference)
    expect(table).not_to_contain_text(neglect.reference)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export this list as a spreadsheet (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("concerns-")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel reads UTF-8 by
    text = data.decode("utf-8-sig")
    heading, row = list(csv.reader(io.StringIO(text)))
    assert heading[0] == "Reference" and row[0] == online.reference
    assert row[2] == "'=SUM(A1) Doe"
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, "CSP errors in the browser console:\n" + "\n".join(csp)
