"""A teacher completes a safeguarding task on a phone (390 px wide), in a real browser: from the
dashboard panel to the task, an empty note refused with the error summary taking focus, then
recorded done. No page scrolls sideways and axe finds no serious or critical violation."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding import raising, routing
from safeguarding.dates import short_day
from safeguarding.models import Action, Alert, ConcernSubject

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ACCOUNT = "She said her uncle locks her in the shed when mum is at work."
BRIEF = "Please walk her to the office at home time on Friday and wait with her until I come."

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


@pytest.fixture
def task(ta, teacher, dsl, deputy, pupil):
    concern, _ = raising.raise_concern(
        ta,
        {
            "idempotency_key": uuid.uuid4(),
            "category": "neglect",
            "urgency": "routine",
            "account": ACCOUNT,
            "happened_at": timezone.now(),
            "location": "Cloakroom",
            "child_told": "told",
        },
        [(pupil, ConcernSubject.Part.SUBJECT)],
        [],
    )
    action = Action(
        concern=concern,
        owner=teacher,
        created_by=dsl,
        description="Check who collects her on Fridays",
        brief=BRIEF,
        tell_which_child=True,
        due_on=timezone.localdate() + timedelta(days=1),
    )
    action.save()
    routing.tell_assignee(action)
    return action


def test_a_teacher_completes_a_task_on_a_phone(transactional_db, live_server, page, teacher, task):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    panel = page.get_by_role("region", name="Your safeguarding tasks")
    expect(panel).to_contain_text("1 task to do")
    fits_and_is_accessible(page, "Dashboard with a task")
    panel.get_by_role("link", name="All your safeguarding tasks").click()
    expect(page.locator("h1")).to_have_text("Your safeguarding tasks")
    fits_and_is_accessible(page, "Task list with a task to do")
    page.go_back()

    panel.get_by_role("link", name=f"task due {short_day(task.due_on)}, set by").click()
    expect(page.locator("h1")).to_have_text("Your safeguarding task")
    main = page.locator("main")
    expect(main).to_contain_text(BRIEF)
    expect(main).to_contain_text("Maya Quinn")  # the DSL ticked "tell them which child"
    expect(main).not_to_contain_text("shed")
    expect(main).not_to_contain_text("Neglect")
    expect(main).not_to_contain_text("Check who collects her")
    fits_and_is_accessible(page, "Task page")

    # An empty note: the error summary takes focus and links to the field, next to its error.
    page.get_by_role("button", name="Record as done").click()
    page.wait_for_load_state("load")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Write a short note of what you did.")
    expect(page.locator("#id_note_errors")).to_contain_text("Write a short note")
    fits_and_is_accessible(page, "Task page with an error")
    summary.get_by_role("link", name="Write a short note of what you did.").click()
    expect(page.get_by_label("What you did")).to_be_focused()

    page.get_by_label("What you did").fill("Walked her to the office; her aunt collected her.")
    page.get_by_role("button", name="Record as done").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").first).to_contain_text("Task recorded as done")
    expect(page.locator("h1")).to_have_text("Your safeguarding tasks")
    expect(page.locator("main")).to_contain_text("You have no safeguarding tasks to do.")
    fits_and_is_accessible(page, "Task list after recording it done")

    task.refresh_from_db()
    assert task.done_by == teacher and "aunt collected her" in task.done_note
    assert Alert.objects.filter(recipient=task.created_by, kind=Alert.Kind.TASK_DONE).exists()

    page.get_by_role("link", name="Open the task").click()
    expect(page.locator("main")).to_contain_text("aunt collected her")
    fits_and_is_accessible(page, "Done task")
