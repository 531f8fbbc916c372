"""A teacher records a lesson on a sensitive topic on a phone (390 px wide), in a real browser
(P19): from the class page, the guidance shows as soon as "Bereavement and loss" is picked, and
again on the lesson's page after saving, with the reminder and the link to log a concern, which
leads to the concern form. No page scrolls sideways and axe finds no serious or critical
violation."""

import pytest
from playwright.sync_api import expect

from records.lesson_guidance import DISCLOSURE_REMINDER, add_school_topics
from records.models import Lesson, SensitiveTopic

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

WIDER_THAN_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > width + 1)
        .slice(0, 8)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
}"""


def fits_and_is_accessible(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{what} is {width}px wide on a {PHONE['width']}px screen: "
        f"{page.evaluate(WIDER_THAN_SCREEN)}"
    )
    violations = serious_violations(page)
    assert not violations, f"{what} accessibility violations:\n" + describe(violations)


def test_a_teacher_records_a_lesson_on_bereavement_and_sees_the_guidance(
    transactional_db, live_server, page, teacher, dsl, oak, pupil
):
    add_school_topics(SensitiveTopic)  # a transactional test may have emptied the list
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/records/classes/{oak.pk}/")
    fits_and_is_accessible(page, "Class page")
    page.get_by_role("link", name="Record a lesson").click()
    expect(page.locator("h1")).to_have_text("Record a lesson for 3 Oak")
    guidance = page.get_by_role("region", name="Teaching a sensitive topic")
    expect(guidance).to_be_hidden()

    page.get_by_label("Date").fill("2026-11-16")
    page.get_by_label("Subject").select_option(label="PSHE and RSE")
    page.get_by_label("Title").fill("Feelings when someone dies")
    page.locator("#id_topic").select_option(label="Bereavement and loss")
    expect(guidance).to_be_visible()
    expect(guidance).to_contain_text("Bereavement and loss: the school's guidance")
    self_harm = SensitiveTopic.objects.get(name="Self-harm and suicide")
    expect(guidance.locator(f'[data-topic="{self_harm.pk}"]')).to_be_hidden()
    expect(guidance).to_contain_text(DISCLOSURE_REMINDER)
    fits_and_is_accessible(page, "Lesson form with a sensitive topic picked")
    page.get_by_label("Notes").fill("Read a story about a badger; two pupils chose to pass.")
    page.get_by_role("button", name="Save the lesson").click()
    page.wait_for_load_state("load")

    lesson = Lesson.objects.get()
    assert lesson.topic.name == "Bereavement and loss" and lesson.recorded_by == teacher
    expect(page.get_by_role("status").first).to_contain_text("Lesson recorded for 3 Oak.")
    expect(page.locator("h1")).to_have_text("Feelings when someone dies")
    guidance = page.get_by_role("region", name="Teaching a sensitive topic")
    expect(guidance).to_contain_text("Ground rules to agree with the class")
    expect(guidance).to_contain_text("Distancing techniques")
    expect(guidance).to_contain_text("Use clear words")
    expect(guidance).to_contain_text(DISCLOSURE_REMINDER)
    fits_and_is_accessible(page, "Lesson page on a sensitive topic")

    guidance.get_by_role("link", name="Log a concern now").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/safeguarding/log/")
