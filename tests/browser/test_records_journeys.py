"""Journeys through students' records and the parent portal, in a real browser: a teacher goes
from their dashboard to their class and opens a pupil, a nurse reads an assigned pupil's medical
plan, and a parent gives and withdraws photograph consent — on accessible pages (no serious or
critical axe violations)."""

import pytest
from playwright.sync_api import expect

from records.models import ParentLink, SupportAssignment
from tests.records.conftest import add_learning, has_signed

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser


def assert_accessible(page, what):
    violations = serious_violations(page)
    assert not violations, f"{what} accessibility violations:\n" + describe(violations)


def test_a_teacher_opens_a_pupil_from_their_class(transactional_db, live_server, page, pupil):
    log_in(page, live_server, "teacher")
    expect(page.get_by_role("heading", name="Your pupils")).to_be_visible()
    page.get_by_role("link", name="Class 3 Oak").click()
    expect(page.locator("h1")).to_have_text("3 Oak")
    expect(page.get_by_role("link", name="Photograph consent in 3 Oak")).to_be_visible()
    assert_accessible(page, "Class page")
    page.get_by_role("link", name="Quinn, Maya").click()
    expect(page.locator("h1")).to_have_text("Maya Quinn")
    expect(page.get_by_role("heading", name="Learning")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Peanuts (anaphylaxis)")
    expect(page.locator("main")).not_to_contain_text("Child protection plan")
    assert_accessible(page, "Student page")


def test_a_nurse_reads_the_medical_plan_of_an_assigned_pupil(
    transactional_db, live_server, page, nurse, pupil
):
    has_signed(nurse)
    SupportAssignment.objects.create(
        staff=nurse, student=pupil, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    log_in(page, live_server, "nurse")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
    page.get_by_role("link", name="Quinn, Maya").click()
    main = page.locator("main")
    expect(main).to_contain_text("Type 1 diabetes")
    expect(main).not_to_contain_text("Child protection plan")
    expect(page.get_by_role("heading", name="Learning")).to_have_count(0)


def test_a_parent_gives_and_then_withdraws_photograph_consent(
    transactional_db, live_server, page, student_factory, oak, teacher, parent, other_parent
):
    child = student_factory(group=oak, first_name="Ravi", last_name="Patel")
    other_child = student_factory(group=oak, first_name="Ella", last_name="Walsh")
    ParentLink.objects.create(parent=parent, student=child, relationship="mother")
    ParentLink.objects.create(parent=other_parent, student=other_child, relationship="father")
    add_learning(child, teacher)
    add_learning(other_child, teacher)

    log_in(page, live_server, "parent")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My children").click()
    expect(page.locator("h1")).to_have_text("My children")
    expect(page.locator("main")).not_to_contain_text("Ella")
    page.get_by_role("link", name="Ravi Patel", exact=True).click()
    expect(page.locator("h1")).to_have_text("Ravi Patel")
    expect(page.locator("main")).to_contain_text("27/30 for Ravi")
    assert_accessible(page, "Portal child page")

    page.get_by_role("link", name="Give or withdraw consent").click()
    expect(page.locator("h1")).to_have_text("Photographs of Ravi Patel")
    assert_accessible(page, "Portal consent page")

    page.get_by_role("button", name="Give consent for School website").click()
    expect(page.get_by_role("status")).to_contain_text("Consent given for school website")
    row = page.get_by_role("row", name="School website")
    expect(row).to_contain_text("Given on")

    page.get_by_role("button", name="Withdraw consent for School website").click()
    expect(page.get_by_role("status")).to_contain_text("Consent withdrawn for school website")
    expect(row).to_contain_text("Withdrawn on")
    assert_accessible(page, "Portal consent page after a change")
