"""The DSL keeps a child's safeguarding profile in a real browser (issue 11): the flag on the
student record leads to the profile; a plan without its category lands on the error summary
with focus on it; a conference recorded joins the chronology, linking back to its page; a
decision not to refer is recorded with its reasons. axe finds no serious or critical violation
on any of the new pages."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding.models import CaseMeeting, SafeguardingStatus

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser


@pytest.fixture
def concern(pupil, teacher):
    import uuid

    from django.utils import timezone

    from safeguarding import raising
    from safeguarding.models import ConcernSubject

    found, _ = raising.raise_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "category": "neglect",
            "urgency": "routine",
            "account": "Said there was no food at home last night.",
            "happened_at": timezone.now(),
            "child_told": "told",
        },
        [(pupil, ConcernSubject.Part.SUBJECT)],
        [],
    )
    return found


def _accessible(page, what):
    violations = serious_violations(page)
    assert not violations, f"{what} accessibility violations:\n" + describe(violations)


def test_the_dsl_keeps_the_profile_records_a_conference_and_a_decision_not_to_refer(
    transactional_db,
    live_server,
    page,
    dsl,
    pupil,
    concern,
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/records/students/{pupil.pk}/")
    confirm_second_factor(page, device)

    flag = page.locator(".record-flag")
    expect(flag).to_contain_text("Safeguarding: no current status recorded")
    flag.get_by_role("link", name="Safeguarding profile").click()
    expect(page.locator("h1")).to_have_text("Safeguarding profile: Maya Quinn")
    _accessible(page, "Profile")

    # A child protection plan without its category: the error summary, focused, links to it.
    page.get_by_role("link", name="Record a status or notification").click()
    _accessible(page, "Status form")
    page.get_by_label("Status").select_option(label="Child protection plan")
    page.get_by_label("Since").fill("2026-09-01")
    page.get_by_role("button", name="Record").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose the category of the child protection plan.")
    _accessible(page, "Status form with errors")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Category of the child protection plan")).to_be_focused()
    page.get_by_label("Category of the child protection plan").select_option(label="Neglect")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#statuses")).to_contain_text("Child protection plan (neglect)")
    assert SafeguardingStatus.objects.about(pupil).get().plan_category == "neglect"

    # The initial conference, recorded and read back from the chronology.
    page.get_by_role("link", name="Record a meeting").click()
    _accessible(page, "Meeting form")
    page.get_by_label("Kind of meeting").select_option(label="Initial child protection conference")
    page.get_by_label("Date and time").fill("2026-09-01T10:00")
    page.get_by_label("Who attended").fill("Chair; Sam Hill (social worker); Dana Shah (DSL)")
    page.get_by_label("Decisions and actions agreed").fill("Plan under the category of neglect.")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator("h1")).to_have_text("Initial child protection conference: Maya Quinn")
    _accessible(page, "Meeting page")
    meeting = CaseMeeting.objects.about(pupil).get()
    page.get_by_role("link", name="Chronology").click()
    link = page.locator("table.chronology").get_by_role(
        "link", name="Initial child protection conference"
    )
    expect(link).to_have_attribute(
        "href", f"/safeguarding/children/{pupil.pk}/meetings/{meeting.pk}/"
    )

    # A decision not to refer, from the profile's list of concerns.
    page.goto(f"{live_server.url}/safeguarding/children/{pupil.pk}/profile/")
    page.locator("#concerns").get_by_role("link", name="decisions not to refer").click()
    _accessible(page, "Decisions not to refer")
    page.get_by_label("Referral considered").select_option(label="Early help")
    page.get_by_label("The reasons for not referring").fill("Already on a plan: core group.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("Decision not to refer recorded")
    expect(page.locator(".decision")).to_contain_text("Already on a plan: core group.")
    # The error page answers 400 (the browser logs it): only a refused script would matter.
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, csp
