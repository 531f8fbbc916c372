"""A performance review in a real browser (P18): the head teacher, with a second factor, opens a
teacher's file from the overview, sets an objective and records the objective-setting meeting;
the head adds a dated piece of performance data; the teacher signs in, finds the review waiting
for them, reads their file with the data, adds a comment and signs the review off, after which
nothing waits. axe finds no
serious or critical violation on the file page and the overview, and neither is wider than a
390 px phone. An observer fills in the school's observation form on a phone, is told what is
missing before submitting, and loses the observation once it is in the file."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from performance.models import ReviewMeeting

from .conftest import log_in
from .test_safeguarding_journey import confirm_second_factor
from .test_security_journeys import check

pytestmark = pytest.mark.browser


def test_the_head_sets_objectives_and_the_teacher_signs_off(
    transactional_db, live_server, page, head, teacher
):
    device = TOTPDevice.objects.create(user=head, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # The head opens the overview (confirming the second factor) and opens the teacher's file.
    log_in(page, live_server, "head")
    page.goto(f"{live_server.url}/performance/overview/")
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_contain_text("Performance reviews")
    check(page, "Performance overview")
    # A large school's staff is hundreds of rows: the head finds the teacher by name among
    # those without a file this cycle.
    page.get_by_role("searchbox", name="Find a member of staff").fill(teacher.last_name)
    page.get_by_role("combobox", name="Show").select_option(
        label="Only those without a file this cycle"
    )
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("searchbox", name="Find a member of staff")).to_have_value(
        teacher.last_name
    )
    expect(page.locator("tbody tr")).to_have_count(1)
    check(page, "Performance overview, narrowed")
    page.get_by_role("button", name=f"Open a file for {teacher.get_full_name()}").click()
    expect(page.locator("h1")).to_contain_text("Performance file")

    # An objective, then the meeting that agreed it; an empty outcome is caught first.
    page.get_by_role("link", name="Set an objective").click()
    page.get_by_label("Objective", exact=True).fill("Raise reading in 3 Oak to 80%.")
    page.get_by_label("Success criteria").fill("24 of 30 pupils at the expected standard.")
    page.get_by_role("button", name="Set the objective").click()
    expect(page.locator(".messages")).to_contain_text("Objective set.")
    page.get_by_role("link", name="Record a review meeting").click()
    page.get_by_label("Kind of meeting").select_option(label="Objective-setting meeting")
    page.get_by_label("Date held").fill("2026-10-01")
    page.get_by_label("Notes of the meeting").fill("We looked at last year's reading data.")
    page.get_by_role("button", name="Record the meeting").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Notes of the meeting")).to_have_value(
        "We looked at last year's reading data."
    )
    page.get_by_label("Outcome").fill("Objective agreed.")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator("#reviews")).to_contain_text("Objective agreed.")
    page.get_by_role("link", name="Add performance data").click()
    page.get_by_label("What it is").fill("Year 3 reading outcomes")
    page.get_by_label("The data and commentary").fill("22 of 30 at the expected standard.")
    page.get_by_role("button", name="Add the data").click()
    expect(page.locator("#data")).to_contain_text("Year 3 reading outcomes")
    check(page, "Performance file (head)")

    # The teacher reads their file, comments and signs off.
    page.context.clear_cookies()
    log_in(page, live_server, "teacher")
    page.get_by_role("link", name="Performance").first.click()
    expect(page.locator("#waiting")).to_contain_text("Reviews to sign off")
    check(page, "Performance home with a review waiting")
    page.get_by_role("link", name="Review cycle").first.click()
    expect(page.locator("h1")).to_contain_text("My performance file")
    expect(page.locator("#objectives")).to_contain_text("Raise reading in 3 Oak to 80%.")
    expect(page.locator("#data")).to_contain_text("22 of 30 at the expected standard.")
    check(page, "Performance file (member of staff)")
    page.get_by_role("link", name="Add your comments and sign off").click()
    page.get_by_label("Your comments").fill("Happy with this objective.")
    page.get_by_label("I have read this record of the review and sign it off").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reviews")).to_contain_text("Signed off by")
    expect(page.locator("#reviews")).to_contain_text("Happy with this objective.")
    page.goto(f"{live_server.url}/performance/")
    expect(page.locator("#waiting")).to_contain_text("Nothing is waiting for you.")

    review = ReviewMeeting.objects.get()
    assert review.is_signed_off and review.staff_comments == "Happy with this objective."
    # The form with errors answers 400 (the browser logs it); the page itself must break no rule.
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, csp


def test_an_observer_fills_in_and_submits_an_observation_on_a_phone(
    transactional_db, live_server, page, head, teacher, ta
):
    from django.utils import timezone

    from performance.models import Observation, PerformanceFile, ReviewCycle

    cycle = ReviewCycle.objects.current().ensure_saved()
    file = PerformanceFile(subject=teacher, cycle=cycle, opened_by=head)
    file.save()
    observation = Observation(
        file=file, observer=ta, named_by=head, planned_for=timezone.localdate(), lesson="3 Oak"
    )
    observation.save()

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "ta")
    page.goto(f"{live_server.url}/performance/")
    page.get_by_role("link", name=teacher.get_full_name()).click()
    expect(page.locator("h1")).to_contain_text("Lesson observation")
    check(page, "Observation form")
    # Submitting half done: the summary says what is missing; what was typed stays.
    page.get_by_role("group", name="Planning and sequencing").get_by_label("Strength").check()
    page.get_by_label("Strengths").fill("Pupils explained their reasoning.")
    page.get_by_role("button", name="Submit to the file").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("Strengths")).to_have_value("Pupils explained their reasoning.")
    check(page, "Observation form with errors")
    for criterion in (
        "Subject knowledge",
        "Behaviour and relationships",
        "Assessment and feedback",
        "Adaptation for pupils with SEND",
    ):
        page.get_by_role("group", name=criterion).get_by_label("Secure").check()
    page.get_by_label("Areas to develop").fill("More time for the plenary.")
    page.get_by_role("button", name="Submit to the file").click()
    expect(page.locator(".messages")).to_contain_text("Observation submitted to the file")
    observation.refresh_from_db()
    assert not observation.is_draft
    assert observation.ratings["planning"]["rating"] == "strength"
    # Submitted: closed to the observer.
    response = page.goto(f"{live_server.url}/performance/observations/{observation.pk}/")
    assert response.status == 404
