"""The DSL works a concern one step at a time, in a real browser (issue 11): from the concern
page to the triage step; a level without its reason comes back on the triage step with the
error summary taking focus; its link leads to the field; fixed and saved, the DSL is back on the
concern with the message. On a phone (390 px) the concern page and a step page fit the screen,
and axe finds nothing serious or critical on either."""

import uuid

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding import raising
from safeguarding.models import ConcernSubject

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def concern(teacher, dsl, deputy, pupil):
    found, _ = raising.raise_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "category": "neglect",
            "other_categories": ["emotional"],
            "urgency": "routine",
            "account": "She has come in hungry every morning this week and says mum is away.",
            "happened_at": timezone.now(),
            "location": "Breakfast club",
            "child_told": "told",
        },
        [(pupil, ConcernSubject.Part.SUBJECT)],
        [],
    )
    return found


def fits_the_phone_and_is_accessible(page, what):
    page.set_viewport_size(PHONE)
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], f"{what} scrolls sideways on a phone: {sizes}"
    violations = serious_violations(page)
    assert not violations, f"{what} accessibility violations:\n" + describe(violations)


def test_triage_as_a_step_of_its_own(transactional_db, live_server, page, dsl, concern):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/safeguarding/concerns/{concern.pk}/")
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_contain_text(f"Concern {concern.reference}")
    expect(page.locator("main")).to_contain_text("Neglect (+ Emotional abuse)")

    steps = page.get_by_role("region", name="What to do next")
    steps.get_by_role("link", name="Triage").click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text("Triage")
    expect(page.get_by_role("link", name="Back to the concern")).to_be_visible()

    # A level without its reason: the same step again, the summary first and focused.
    page.locator("#id_triage-level").select_option(label="Monitor in school")
    page.get_by_role("button", name="Save triage").click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text("Triage")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page.locator("#id_triage-level")).to_have_value("monitor")  # nothing typed is lost

    summary.get_by_role("link", name="Say why you chose this level.").click()
    expect(page.locator("#id_triage-level_reason")).to_be_focused()
    page.locator("#id_triage-level_reason").fill("Hungry all week; mum away. Check daily.")
    page.get_by_role("button", name="Save triage").click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text(f"Concern {concern.reference}")
    expect(page.get_by_role("status").first).to_contain_text("Triage saved.")
    expect(page.locator("main")).to_contain_text("Hungry all week; mum away.")
    concern.refresh_from_db()
    assert concern.level == "monitor"

    fits_the_phone_and_is_accessible(page, "The concern page")
    page.get_by_role("region", name="What to do next").get_by_role("link", name="Triage").click()
    page.wait_for_load_state("load")
    fits_the_phone_and_is_accessible(page, "The triage step")
    page.get_by_role("link", name="Back to the concern").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Record a referral").click()
    page.wait_for_load_state("load")
    fits_the_phone_and_is_accessible(page, "The referral step")
