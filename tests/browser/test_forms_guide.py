"""Forms that guide, in a real browser at 390 px (issue 13): a refused send puts focus on the
error summary at the top, and each of its links moves focus to the field, the first answer of a
group; after a successful send no "#field" is left in the address."""

import pytest
from playwright.sync_api import expect

from safeguarding.models import Concern

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def summary_takes_focus_at_the_top(page, what):
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.title().startswith("Error: "), what
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{what}: the page scrolls sideways at 390 px"
    violations = serious_violations(page)
    assert not violations, f"{what}: accessibility violations:\n" + describe(violations)
    return summary


def test_the_adult_concern_form_guides_to_each_error(transactional_db, live_server, page, teacher):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/adults/log/")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    summary = summary_takes_focus_at_the_top(page, "a refused concern about an adult")
    links = summary.get_by_role("link")
    assert links.count() >= 2
    # The link of the "kind of concern" radios leads to the first of them.
    nature = page.locator("#id_nature_0")
    href = f"#{nature.get_attribute('id')}"
    summary.locator(f'a[href="{href}"]').click()
    expect(nature).to_be_focused()
    expect(nature).to_be_in_viewport()


def test_adding_a_grade_guides_to_each_error(transactional_db, live_server, page, teacher, pupil):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/records/students/{pupil.pk}/grades/new/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    summary = summary_takes_focus_at_the_top(page, "a refused grade")
    summary.get_by_role("link", name="Choose the subject").click()
    expect(page.locator("#id_subject")).to_be_focused()
    expect(page.locator("#id_subject")).to_be_in_viewport()


def test_the_secret_question_link_focuses_its_first_answer_and_leaves_no_fragment(
    transactional_db, live_server, page, teacher, dsl, pupil
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/safeguarding/log/?child={pupil.pk}")
    page.get_by_label("Category").select_option(label="Neglect")
    page.get_by_label("What you saw or heard").fill("She has come in without a coat all week.")
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    page.wait_for_load_state("load")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    link = summary.locator('a[href="#id_child_told_0"]')
    expect(link).to_have_count(1)
    link.click()
    first = page.locator("#id_child_told_0")
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    page.get_by_label("Nothing was disclosed by the child (an observation)").check()
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    page.wait_for_load_state("load")
    assert Concern.objects.count() == 1
    assert "#" not in page.url
