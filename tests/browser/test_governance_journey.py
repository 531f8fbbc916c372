"""The governing body in a real browser, on a phone (390 px): anyone reads the published minutes;
a governor reads a meeting and the confidential minutes of a meeting they attended; the clerk's
and the head teacher's forms show the error summary. The clerk, like the chair and the head
teacher, confirms the second factor before any page that manages a meeting or shows the
confidential minutes. No page scrolls sideways and axe finds no
serious or critical violation on any of them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from confidentiality.models import ConfidentialityAgreement
from confidentiality.roles import Role
from governance.models import Attendance, HeadReport, HeadReportItem, Meeting

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SECRET = "MARKERBROWSERCONFIDENTIAL"
PUBLIC = "Governors approved the pupil premium strategy for this year."


def fits_and_is_accessible(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width}px wide on a {PHONE['width']}px screen"
    violations = serious_violations(page)
    assert not violations, f"{what} accessibility violations:\n" + describe(violations)


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.CLERK)


def log_in_with_second_factor(page, live_server, user, first_page):
    """Sign in with the password, open ``first_page`` and confirm the code from the phone app
    when asked: the clerk's, the chair's and the head's pages all ask for it."""
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    log_in(page, live_server, user.username)
    page.goto(first_page)
    confirm_second_factor(page, device)


@pytest.fixture
def meetings(governor, clerk, head):
    """Two meetings: the first attended by the governor, approved at the second and published."""
    current = ConfidentialityAgreement.objects.current()
    for person in (governor, clerk):
        current.accept(person)
    first = Meeting(
        held_at=timezone.now() - timedelta(days=40), place="School library", called_by=clerk
    )
    first.save()
    second = Meeting(held_at=timezone.now() - timedelta(days=5), place="Hall", called_by=clerk)
    second.save()
    first.agenda.create(number=1, title="Pupil premium")
    for person in (governor, clerk, head):
        Attendance.objects.create(meeting=first, person=person, status="attended")
    first.add_public_item("Pupil premium strategy", PUBLIC)
    first.add_confidential_item("Staffing", f"A personnel matter. {SECRET}")
    first.approve_minutes(at=second, by=clerk)
    first.publish_minutes(by=clerk)
    report = HeadReport(term="autumn", school_year="2026/27", meeting=first, written_by=head)
    report.save()
    HeadReportItem(report=report, number=1, heading="Attendance", text="Above 95%.").save()
    report.send(None)
    return first, second


def test_a_governor_reads_published_and_confidential_minutes(
    transactional_db, live_server, page, governor, meetings
):
    first, _ = meetings
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/governors/minutes/")
    expect(page.locator("h1")).to_have_text("Minutes of the governing body")
    expect(page.locator("main")).to_contain_text(PUBLIC)
    expect(page.locator("main")).not_to_contain_text(SECRET)
    fits_and_is_accessible(page, "Published minutes (public)")
    page.get_by_label("Search the published minutes").fill("pupil premium")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("1 item found")
    expect(page.locator("main")).not_to_contain_text(SECRET)
    fits_and_is_accessible(page, "Search of the published minutes")

    log_in(page, live_server, "governor")
    panel = page.get_by_role("region", name="Governing body")
    expect(panel).to_be_visible()
    fits_and_is_accessible(page, "Dashboard with the governing body's panel")
    panel.get_by_role("link", name="Meetings and minutes").click()
    expect(page.locator("h1")).to_have_text("Governing body")
    fits_and_is_accessible(page, "Meeting list")
    page.get_by_role("link", name=first.held_at.strftime("%a %-d %b %Y")).first.click()
    expect(page.locator("main")).to_contain_text(PUBLIC)
    expect(page.locator("main")).not_to_contain_text(SECRET)
    fits_and_is_accessible(page, "Meeting")
    page.get_by_role("link", name="Confidential minutes").click()
    expect(page.locator("h1")).to_contain_text("Confidential minutes")
    expect(page.locator("main")).to_contain_text(SECRET)
    fits_and_is_accessible(page, "Confidential minutes")
    page.goto(f"{live_server.url}/governors/reports/")
    fits_and_is_accessible(page, "Head teacher's reports")
    page.get_by_role("link", name="Head teacher's report").first.click()
    expect(page.locator("main")).to_contain_text("Above 95%")
    fits_and_is_accessible(page, "Head teacher's report")


def test_the_clerks_forms_on_a_phone(transactional_db, live_server, page, clerk, meetings):
    _, second = meetings
    page.set_viewport_size(PHONE)
    base = f"{live_server.url}/governors/meetings/{second.pk}"
    log_in_with_second_factor(page, live_server, clerk, f"{base}/confidential/")
    expect(page.locator("h1")).to_contain_text("Confidential minutes")
    for url, button, what in (
        (f"{live_server.url}/governors/meetings/new/", "Add the meeting", "Add a meeting"),
        (f"{base}/agenda/", "Add the item", "Agenda"),
        (f"{base}/minutes/", "Add the item", "Public minute"),
        (f"{base}/papers/", "Add the paper", "Paper"),
    ):
        page.goto(url)
        fits_and_is_accessible(page, what)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state("load")
        expect(page.locator("#error-summary")).to_be_focused()
        fits_and_is_accessible(page, f"{what} with an error")
    for url, what in ((f"{base}/attendance/", "Attendance"), (f"{base}/", "Meeting (clerk)")):
        page.goto(url)
        fits_and_is_accessible(page, what)
    page.goto(f"{base}/confidential/")
    page.get_by_role("button", name="Add the confidential item").click()
    page.wait_for_load_state("load")
    expect(page.locator("#error-summary")).to_be_focused()
    fits_and_is_accessible(page, "Confidential minutes with an error")


def test_the_clerk_corrects_a_draft_item_on_a_phone(
    transactional_db, live_server, page, clerk, meetings
):
    """The edit form of an item of the draft public minutes at 390 px: a slip shows the error
    summary and keeps the words typed; the correction is saved; the governors' attendance
    reads on a phone too."""
    _, second = meetings
    second.add_public_item("Pupil premium", "Governors approved the strategy.")
    second.add_public_item("Any other business", "None.")
    device = TOTPDevice.objects.create(user=clerk, name="Phone", confirmed=True)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/governors/meetings/{second.pk}/")
    # The meeting page itself opens with the password; changing it needs the second factor.
    page.get_by_role("link", name="Change item 1", exact=True).click()
    confirm_second_factor(page, device)
    page.goto(f"{live_server.url}/governors/meetings/{second.pk}/")
    fits_and_is_accessible(page, "Draft meeting with its change buttons")
    page.get_by_role("link", name="Change item 1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Change item 1 of the public minutes")
    fits_and_is_accessible(page, "Change a public minute")
    page.get_by_label("Heading").fill("")
    page.get_by_label("Minute").fill("Governors approved the strategy, with one change.")
    page.get_by_role("button", name="Save the item").click()
    page.wait_for_load_state("load")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Minute")).to_have_value(
        "Governors approved the strategy, with one change."
    )
    fits_and_is_accessible(page, "Change a public minute with an error")
    page.get_by_label("Heading").fill("Pupil premium strategy")
    page.get_by_role("button", name="Save the item").click()
    expect(page.locator("main")).to_contain_text("with one change")
    page.get_by_role("button", name="Move down item 1").click()
    expect(page.locator("main")).to_contain_text("Item 1 moved down")
    fits_and_is_accessible(page, "Draft meeting after a move")
    page.goto(f"{live_server.url}/governors/attendance/")
    expect(page.locator("h1")).to_have_text("Governors' attendance")
    fits_and_is_accessible(page, "Governors' attendance")


def test_the_heads_report_forms_on_a_phone(transactional_db, live_server, page, head, meetings):
    device = TOTPDevice.objects.create(user=head, name="Phone", confirmed=True)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "head")
    page.goto(f"{live_server.url}/governors/reports/new/")
    confirm_second_factor(page, device)
    page.goto(f"{live_server.url}/governors/reports/new/")
    fits_and_is_accessible(page, "Start a report")
    page.get_by_label("School year").fill("2026")
    page.get_by_role("button", name="Start the report").click()
    page.wait_for_load_state("load")
    expect(page.locator("#error-summary")).to_be_focused()
    fits_and_is_accessible(page, "Start a report with an error")
    page.get_by_label("School year").fill("2026/27")
    page.get_by_label("Include the safeguarding statistics").check()
    page.get_by_role("button", name="Start the report").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("Concerns about children, by category and term")
    fits_and_is_accessible(page, "Draft report with statistics")
