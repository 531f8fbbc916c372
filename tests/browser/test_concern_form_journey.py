"""The concern form on a phone (390 px wide), in a real browser: a failed send puts focus on the
error summary, whose links lead to each field; the child is found by typing and added; nothing
scrolls sideways; axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from safeguarding.models import Concern

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def check_page(page, what):
    assert no_sideways_scroll(page), f"{what}: the page scrolls sideways at 390 px"
    violations = serious_violations(page)
    assert not violations, f"{what}: accessibility violations:\n" + describe(violations)


def test_a_concern_logged_on_a_phone(transactional_db, live_server, page, teacher, dsl, pupil):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/log/")
    expect(page.locator("h1")).to_have_text("Log a concern")
    check_page(page, "the empty form")

    # Sent with nothing in it: refused, the summary takes focus and links to each field.
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    page.wait_for_load_state("load")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose the child this is about")
    expect(summary).to_contain_text("Choose a category")
    expect(summary).to_contain_text("Say what you saw or heard")
    check_page(page, "the form with errors")
    summary.get_by_role("link", name="Say what you saw or heard").click()
    expect(page.locator("#id_account")).to_be_focused()
    expect(page.locator("#id_account")).to_be_in_viewport()
    assert page.evaluate("location.hash") == ""  # nothing to carry to the page after the send

    # The child is found by typing two letters or more, and added with one press.
    search = page.get_by_label("Type the child's name, class or year")
    search.fill("M")
    expect(page.locator("#child-matches")).to_contain_text("Type at least 2 letters")
    search.fill("Maya")
    add = page.get_by_role("button", name="Add Maya Quinn")
    expect(add).to_be_visible()
    expect(page.locator("#child-matches")).to_have_attribute("aria-live", "polite")
    check_page(page, "the search's matches")
    add.click()
    chosen = page.locator("#chosen-children")
    expect(chosen).to_contain_text("Maya Quinn")
    expect(page.get_by_label("Maya Quinn (3 Oak, Year 3): their part")).to_be_focused()
    page.get_by_label("Maya Quinn (3 Oak, Year 3): their part").select_option(label="Witness")

    page.get_by_label("Category").select_option(label="Neglect")
    page.get_by_label("Urgent – the child may be at risk now").check()
    page.get_by_label("What you saw or heard").fill("She has come in without a coat all week.")
    page.get_by_label("Nothing was disclosed by the child (an observation)").check()
    check_page(page, "the filled form")
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    page.wait_for_load_state("load")

    # The urgent concern's page: find the DSL now, in words.
    expect(page.locator("main")).to_contain_text("Now find the DSL or a deputy in person")
    expect(page.locator("main")).to_contain_text("call 999")
    check_page(page, "the urgent confirmation")
    concern = Concern.objects.get()
    assert [(s.student, s.part) for s in concern.children_named_by_author] == [(pupil, "witness")]
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, "CSP errors in the browser console:\n" + "\n".join(csp)


def test_removing_a_child_with_script_keeps_the_form_on_the_page(
    transactional_db, live_server, page, teacher, pupil
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/log/?child={pupil.pk}")
    chosen = page.locator("#chosen-children")
    expect(chosen).to_contain_text("Maya Quinn")
    page.get_by_label("What you saw or heard").fill("Typed before removing.")
    page.get_by_role("button", name="Remove Maya Quinn").click()
    expect(chosen).not_to_contain_text("Maya Quinn")
    expect(page.locator("#no-child-chosen")).to_be_visible()
    expect(page.get_by_label("What you saw or heard")).to_have_value("Typed before removing.")
    # Pressing Enter in the search box searches; it never sends the concern.
    search = page.get_by_label("Type the child's name, class or year")
    search.fill("Oak")
    search.press("Enter")
    expect(page.get_by_role("button", name="Add Maya Quinn")).to_be_visible()
    # What was typed is kept as a draft a moment later; let that finish before the test ends.
    page.wait_for_timeout(2500)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    assert not Concern.objects.exists()
