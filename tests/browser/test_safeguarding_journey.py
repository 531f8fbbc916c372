"""A concern's whole journey in a real browser: a teacher logs it with a body-map mark; the DSL
(with a real second factor) receives the alert, acknowledges, triages, refers and closes it."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding.models import Concern

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")


def confirm_second_factor(page, device):
    expect(page.locator("h1")).to_have_text("Confirm it's you")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("load")


def test_a_concern_from_the_classroom_to_closure(
    transactional_db, live_server, page, teacher, dsl, deputy, pupil
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # The teacher logs the concern through the real form.
    log_in(page, live_server, "teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log a concern").click()
    expect(page.locator("h1")).to_have_text("Log a concern")
    violations = serious_violations(page)
    assert not violations, "Concern form accessibility violations:\n" + describe(violations)

    # The child is found by typing (never a list of the whole school) and added.
    page.get_by_label("Type the child's name, class or year").fill("Maya")
    page.get_by_role("button", name="Add Maya Quinn").click()
    page.get_by_label("Category").select_option(label="Physical abuse")
    page.get_by_label("Urgent – the child may be at risk now").check()
    page.get_by_label("What you saw or heard").fill(
        "She said: \u201cdaddy squeezed my arm really hard\u201d."
    )
    page.get_by_label("Where it happened").fill("Reading corner")
    # A click on the outline fills the first empty mark with that area.
    page.get_by_text("Body map: marks you saw").click()
    page.locator('.body-outline [data-region="front-left-arm"]').click()
    expect(page.locator("#id_marks-0-region")).to_have_value("front-left-arm")
    page.locator("#id_marks-0-note").fill("Three oval bruises, purple")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=15000)
    page.get_by_label("I told the child it may be passed on").check()
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").first).to_contain_text("has gone to the DSL and deputies")
    concern = Concern.objects.get()
    assert concern.body_map == [{"region": "front-left-arm", "note": "Three oval bruises, purple"}]
    assert concern.child_told == Concern.ChildTold.TOLD
    expect(page.locator("main")).to_contain_text("New")
    sign_out(page)

    # The DSL signs in, confirms the second factor and finds the alert.
    log_in(page, live_server, "dsl")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Safeguarding", exact=True
    ).click()
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_have_text("Safeguarding")
    violations = serious_violations(page)
    assert not violations, "DSL dashboard accessibility violations:\n" + describe(violations)
    page.get_by_role("link", name="Your alerts").click()
    expect(page.locator("main")).to_contain_text(f"Urgent concern {concern.reference}")
    page.get_by_role("link", name=f"Open {concern.reference}").click()
    expect(page.locator("main")).to_contain_text("daddy squeezed my arm")
    expect(page.locator("main")).to_contain_text("Front: left arm: Three oval bruises, purple")
    expect(page.locator("main")).to_contain_text("The child was told it may be passed on")

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("main")).to_contain_text("acknowledged")

    # Each step of the casework on its own page, from "What to do next".
    page.get_by_role("link", name="Triage", exact=True).click()
    page.get_by_label("Assign to").select_option(label="Dsl Tester – Designated Safeguarding Lead")
    page.locator("#id_triage-level").select_option(label="Referral to children's social care")
    page.get_by_label("Why this level").fill("Marks consistent with grabbing; father named.")
    page.get_by_role("button", name="Save triage").click()
    expect(page.locator("main")).to_contain_text("Triage saved.")

    page.get_by_role("link", name="Record a referral").click()
    page.locator("#id_referral-agency").select_option(label="Children's social care")
    page.locator("#id_referral-method").select_option(label="By phone")
    page.locator("#id_referral-made_at").fill("2026-11-23T10:30")
    page.locator("#id_referral-contact").fill("MASH duty worker")
    page.locator("#id_referral-student_told").check()  # P2: told first
    page.locator("#id_referral-parents_told").check()
    page.get_by_role("button", name="Record referral").click()
    expect(page.locator("main")).to_contain_text("Referral recorded.")

    page.get_by_role("link", name="Close the concern").click()
    page.locator("#id_close-decision").select_option(
        label="Children's social care accepted the case"
    )
    page.locator("#id_close-rationale").fill("Section 47 enquiry opened; plan agreed.")
    page.get_by_role("button", name="Close concern").click()
    expect(page.locator("main")).to_contain_text(f"Concern {concern.reference} closed.")
    concern.refresh_from_db()
    assert concern.is_closed and concern.level == "csc_referral"
    assert concern.referrals.get().contact == "MASH duty worker"

    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, "CSP errors in the browser console:\n" + "\n".join(csp)


def test_the_concern_form_works_without_javascript(
    transactional_db, live_server, browser, teacher, dsl, pupil
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/log/")
    # Without script, "Find" sends the form back with the matches to tick.
    page.get_by_label("Type the child's name, class or year").fill("Quinn")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Maya Quinn").check()
    page.get_by_role("button", name="Add the ticked children").click()
    expect(page.locator("#chosen-children")).to_contain_text("Maya Quinn")
    page.get_by_label("What you saw or heard").fill("A red mark on her lower back.")
    page.get_by_text("Body map: marks you saw").click()
    page.locator("#id_marks-0-region").select_option(label="Back: lower back")
    page.locator("#id_marks-0-note").fill("Red mark")
    # Forgot the category: the error keeps everything typed.
    # P1: the TA saw a mark; the child said nothing. Nothing untrue has to be ticked to send it.
    page.get_by_label("Nothing was disclosed by the child (an observation)").check()
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    expect(page.get_by_role("alert").first).to_contain_text("Everything you typed has been kept")
    expect(page.locator("#id_marks-0-note")).to_have_value("Red mark")
    expect(page.get_by_label("Nothing was disclosed by the child (an observation)")).to_be_checked()
    page.get_by_label("Category").select_option(label="Physical abuse")
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    expect(page.locator("h1")).to_contain_text("Concern")
    concern = Concern.objects.get()
    assert concern.body_map[0]["region"] == "back-lower-back"
    assert concern.child_told == Concern.ChildTold.OBSERVATION
    context.close()
