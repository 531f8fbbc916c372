"""A concern under two categories in a real browser: the teacher ticks another category (and
the main one again, which changes nothing), sees what they chose; the DSL reads both on the
concern page, corrects them in triage, and the teacher's page still shows their own choice.
Each page passes axe (no serious or critical violation)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding.models import Concern

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor, sign_out

pytestmark = pytest.mark.browser


def test_a_concern_under_two_categories_from_the_form_to_triage(
    transactional_db, live_server, page, teacher, dsl, deputy, pupil
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)

    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/log/")
    page.get_by_text("Other categories it also falls under").click()  # a folded section
    others = page.get_by_role("group", name="Any other categories")
    expect(others).to_contain_text("(optional)")
    page.get_by_label("Type the child's name, class or year").fill("Maya")
    page.get_by_role("button", name="Add Maya Quinn").click()
    page.get_by_label("Main category").select_option(label="Neglect")
    page.get_by_label("What you saw or heard").fill("She has been hungry every morning.")
    others.get_by_label("Emotional abuse").check()
    others.get_by_label("Neglect").check()  # the main one again: simply the main one
    page.get_by_label("Nothing was disclosed by the child (an observation)").check()
    violations = serious_violations(page)
    assert not violations, "Concern form accessibility violations:\n" + describe(violations)
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").first).to_contain_text("has gone to the DSL and deputies")
    expect(page.locator("main")).to_contain_text("Neglect (+ Emotional abuse)")
    concern = Concern.objects.get()
    assert concern.category == "neglect" and concern.other_category_codes == ["emotional"]
    sign_out(page)

    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/safeguarding/concerns/{concern.pk}/")
    confirm_second_factor(page, device)
    expect(page.locator("main")).to_contain_text("Neglect (+ Emotional abuse)")
    violations = serious_violations(page)
    assert not violations, "Concern page accessibility violations:\n" + describe(violations)
    page.get_by_role("link", name="Triage", exact=True).click()
    # Nothing else about this child yet: said in words, never an empty "Linked concerns".
    expect(page.locator("#nothing-to-link")).to_be_visible()
    triage = page.locator("#triage")
    triage.get_by_label("Main category").select_option(label="Physical abuse")
    triage.get_by_role("group", name="Other categories").get_by_label("Neglect").check()
    triage.get_by_role("button", name="Save triage").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("Physical abuse (+ Emotional abuse, Neglect)")
    sign_out(page)

    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/mine/{concern.pk}/")
    expect(page.locator("main")).to_contain_text("Neglect (+ Emotional abuse)")
    expect(page.locator("main")).not_to_contain_text("Physical abuse")
