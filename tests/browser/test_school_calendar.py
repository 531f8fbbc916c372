"""The school calendar page on a phone (390px wide): the office adds a closure, a mistake
is shown in the error summary with what was typed kept; the page never scrolls sideways and
axe finds no serious or critical violation."""

from datetime import date

import pytest
from playwright.sync_api import expect

from confidentiality.models import Closure, ConfidentialityAgreement, Term

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _reads_on_a_phone(page):
    scroll_width, client_width = page.evaluate(SIDEWAYS)
    assert scroll_width <= client_width, f"{page.url} scrolls sideways"
    violations = serious_violations(page)
    assert not violations, describe(violations)


def test_the_office_keeps_the_calendar_on_a_phone(transactional_db, live_server, browser, office):
    ConfidentialityAgreement.objects.current().accept(office)
    Term.objects.create(
        name="Autumn term 2026", first_day=date(2026, 9, 2), last_day=date(2026, 12, 18)
    )
    Closure.objects.create(
        kind=Closure.Kind.HALF_TERM,
        first_day=date(2026, 10, 26),
        last_day=date(2026, 10, 30),
        reason="October half term, the week after the harvest festival assembly",
    )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "office")
        page.goto(f"{live_server.url}/calendar/")
        expect(page.get_by_role("heading", name="School calendar", exact=True)).to_be_visible()
        _reads_on_a_phone(page)

        page.get_by_role("link", name="Add a closure").click()
        page.get_by_label("Reason").fill("Polling station")
        page.get_by_role("button", name="Add closure").click()
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("Choose the type of closure")
        expect(summary).to_be_focused()
        expect(page.get_by_label("Reason")).to_have_value("Polling station")
        _reads_on_a_phone(page)

        page.get_by_label("Other closure").check()
        page.get_by_label("First day").fill("2026-11-27")
        page.get_by_role("button", name="Add closure").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Saved Other closure (Polling station) in the calendar."
        )
        closures = page.get_by_role("region", name="INSET days and other closures")
        expect(closures).to_contain_text("Fri 27 Nov 2026")
        _reads_on_a_phone(page)
    finally:
        context.close()
    assert Closure.objects.filter(reason="Polling station", last_day=date(2026, 11, 27)).exists()


def test_deleting_a_term_on_a_phone_asks_first(transactional_db, live_server, browser, office):
    """Delete opens a page that says which school days the deletion changes; only its button
    deletes, and Cancel leaves the term where it was."""
    ConfidentialityAgreement.objects.current().accept(office)
    for name, first, last in (
        ("Autumn term 2026", date(2026, 9, 2), date(2026, 12, 18)),
        ("Spring term 2027", date(2027, 1, 4), date(2027, 3, 26)),
        ("Summer term 2027", date(2027, 4, 12), date(2027, 7, 21)),
    ):
        Term.objects.create(name=name, first_day=first, last_day=last)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "office")
        page.goto(f"{live_server.url}/calendar/")
        page.get_by_role("link", name="Delete Spring term 2027").click()
        expect(page.get_by_role("heading", name="Delete Spring term 2027?")).to_be_visible()
        expect(page.locator("main")).to_contain_text(
            "Deleting Spring term 2027 changes the school days the safeguarding clocks count"
        )
        _reads_on_a_phone(page)
        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("region", name="Terms")).to_contain_text("Spring term 2027")

        page.get_by_role("link", name="Delete Spring term 2027").click()
        page.get_by_role("button", name="Delete Spring term 2027").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Deleted Spring term 2027 from the calendar."
        )
        expect(page.get_by_role("region", name="Terms")).not_to_contain_text("Spring term 2027")
    finally:
        context.close()
    assert Term.objects.count() == 2


CAPTION_AND_TABLE = """() => {
  const table = document.querySelector("table.stack-on-phone");
  return [table.querySelector("caption").getBoundingClientRect().width,
          table.getBoundingClientRect().width];
}"""


def test_a_stacked_tables_caption_spans_the_table_on_a_phone(
    transactional_db, live_server, browser, office, student_factory
):
    """A table whose rows become cards on a phone keeps its caption on one line across it, not
    squeezed into a column a word or two wide."""
    ConfidentialityAgreement.objects.current().accept(office)
    for _ in range(3):
        student_factory()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "office")
        page.goto(f"{live_server.url}/records/students/")
        expect(page.locator("table.stack-on-phone caption")).to_contain_text("3 students")
        caption_width, table_width = page.evaluate(CAPTION_AND_TABLE)
        assert caption_width >= 0.8 * table_width, (caption_width, table_width)
        _reads_on_a_phone(page)
    finally:
        context.close()
