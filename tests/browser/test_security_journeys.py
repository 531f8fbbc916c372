"""The second review's new pages, in a real browser and checked with axe (no serious or critical
violation): the DSL appoints a new chair of governors; a teacher breaks the glass on a child they
do not teach and the DSL ends that access; the office ends a parent's link and the parent loses
the child in the portal; a teacher raises a concern about an adult and is told truthfully where it
went (or to call the LADO); a volunteer who has not signed the agreement reports a concern by
typing the child's name, with no list of pupils offered.

Set ``BROWSER_SHOTS=/some/dir`` to keep a screenshot of each page at desktop (1280 px) and phone
(390 px) width."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from confidentiality import roles, team
from confidentiality.models import BreakGlassAccess, ConfidentialityAgreement
from confidentiality.roles import Role
from records.models import ParentLink
from safeguarding.models import Concern

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser

LADO = "LADO: 01632 960123, lado@council.example"
REASON = "Maya collapsed in PE and I need her allergies and emergency steps now."
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


WIDER_THAN_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > width + 1)
        .slice(0, 8)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
}"""


def check(page, what):
    """At desktop and at phone width: no serious or critical axe violation, nothing wider than
    the screen; and, when asked for, a full-page screenshot."""
    shots = os.environ.get("BROWSER_SHOTS")
    name = "".join(c if c.isalnum() else "-" for c in what.lower()).strip("-")
    original = page.viewport_size
    try:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            violations = serious_violations(page)
            assert not violations, f"{what} ({label}) accessibility violations:\n" + describe(
                violations
            )
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (
                f"{what} is {overflow}px wider than the {label} screen: "
                f"{page.evaluate(WIDER_THAN_SCREEN)}"
            )
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}-{label}.png", full_page=True)
    finally:
        page.set_viewport_size(original or DESKTOP)


def named(user, first_name, last_name, **fields):
    for name, value in dict(fields, first_name=first_name, last_name=last_name).items():
        setattr(user, name, value)
    user.save()
    return user


def sign_in_verified(page, live_server, user, device, path):
    """Sign in and open ``path``, confirming the second factor when asked."""
    log_in(page, live_server, user.username)
    page.goto(f"{live_server.url}{path}")
    confirm_second_factor(page, device)


@pytest.fixture
def lado(settings):
    settings.LADO_CONTACT = LADO


@pytest.fixture
def chair(make_user):
    person = named(make_user("chair", Role.GOVERNOR), "Cora", "Hale")
    person.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return person


# --- 1. the DSL appoints a new chair of governors ---------------------------------------------


def test_the_dsl_appoints_a_new_chair_of_governors(
    transactional_db, live_server, page, dsl, head, chair, make_user
):
    # A governor who has signed in before: an account nobody has used is never appointed.
    candidate = named(
        make_user("newchair", Role.GOVERNOR),
        "Noor",
        "Ahmed",
        job_title="Parent governor",
        last_login=timezone.now() - timedelta(days=30),
    )
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)

    log_in(page, live_server, "dsl")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Appointments").click()
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_have_text("Appointments")
    chair_section = page.get_by_role("region", name="Chair of governors")
    expect(chair_section).to_contain_text("Cora Hale")
    check(page, "Appointments")

    chair_section.get_by_label("New chair of governors").select_option(
        label="Noor Ahmed – Governor (Parent governor)"
    )
    chair_section.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Confirm the new chair of governors")
    expect(page.locator("main")).to_contain_text("Cora Hale will no longer be the chair")
    check(page, "Confirm the new chair")

    page.get_by_role("button", name="Appoint Noor Ahmed").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Noor Ahmed is now the chair of governors."
    )
    holders = page.get_by_role("region", name="Chair of governors").locator(".contact-name")
    expect(holders).to_have_count(1)
    expect(holders).to_contain_text("Noor Ahmed")
    check(page, "Appointments after the change")
    assert list(team.holders(Role.CHAIR_OF_GOVERNORS)) == [candidate]  # and no longer Cora


# --- 2. emergency access, and the DSL ending it ------------------------------------------------


def test_a_teacher_breaks_the_glass_and_the_dsl_ends_it(
    transactional_db, live_server, page, browser, other_teacher, dsl, pupil
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)

    log_in(page, live_server, "other_teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
    page.get_by_role("link", name="Find any student in an emergency").click()
    page.get_by_label("Name or UPN").fill("Quinn")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="open in an emergency").click()
    expect(page.locator("h1")).to_have_text("Emergency access to Maya Quinn's record")
    check(page, "Break glass")

    reason = page.get_by_label("Why do you need this record now?")
    reason.fill("need it now")
    page.get_by_role("button", name="Open the record now").click()
    expect(page.locator("main")).to_contain_text("Say in a sentence, in words, why you need")
    expect(reason).to_have_value("need it now")
    assert not BreakGlassAccess.objects.exists()
    check(page, "Break glass with a short reason")

    reason.fill(REASON)
    page.get_by_role("button", name="Open the record now").click()
    expect(page.locator("h1")).to_have_text("Maya Quinn")
    expect(page.locator("main")).to_contain_text("Emergency access granted until")
    expect(page.locator("main")).to_contain_text("Peanuts (anaphylaxis)")
    record_url = page.url

    # The DSL, in their own browser, ends it.
    dsl_context = browser.new_context()
    dsl_page = dsl_context.new_page()
    sign_in_verified(dsl_page, live_server, dsl, device, "/records/emergency-access/")
    expect(dsl_page.locator("h1")).to_have_text("Emergency access in use")
    row = dsl_page.get_by_role("row", name="Other_Teacher Tester")
    expect(row).to_contain_text("Maya Quinn")
    expect(row).to_contain_text("Maya collapsed in PE")
    check(dsl_page, "Emergency access list")
    row.get_by_role("button", name="End Other_Teacher Tester's access").click()
    expect(dsl_page.get_by_role("status").first).to_contain_text("emergency access has ended")
    expect(dsl_page.locator("main")).to_contain_text("Nobody is using emergency access now.")
    check(dsl_page, "Emergency access list after ending")
    dsl_context.close()

    # The teacher's next look is refused.
    response = page.goto(record_url)
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Peanuts")


# --- 3. the office ends a parent's link --------------------------------------------------------


def test_the_office_ends_a_parents_link_and_the_parent_loses_the_child(
    transactional_db, live_server, page, browser, office, dsl, parent, pupil
):
    named(parent, "Pat", "Quinn")
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")

    parent_context = browser.new_context()
    parent_page = parent_context.new_page()
    log_in(parent_page, live_server, "parent")
    parent_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My children"
    ).click()
    expect(parent_page.get_by_role("link", name="Maya Quinn", exact=True)).to_be_visible()

    log_in(page, live_server, "office")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
    page.get_by_role("link", name="Quinn, Maya").click()
    expect(page.locator("h1")).to_have_text("Maya Quinn")
    check(page, "Student page with a parent link")
    page.get_by_role("link", name="End this link of Pat Quinn").click()
    expect(page.locator("h1")).to_have_text("End a parent or carer's link to Maya Quinn")
    check(page, "End a parent link")
    page.get_by_label("Why is this link being ended?").fill(
        "Court order received today: no contact with the school."
    )
    page.get_by_role("button", name="End the link").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Pat Quinn is no longer linked to Maya Quinn"
    )
    expect(page.get_by_role("link", name="End this link of Pat Quinn")).to_have_count(0)
    check(page, "Student page after ending a link")
    assert not ParentLink.objects.filter(parent=parent).exists()

    parent_page.reload()
    expect(parent_page.locator("h1")).to_have_text("My children")
    expect(parent_page.locator("main")).not_to_contain_text("Maya")
    parent_context.close()


# --- 4. a concern about an adult ---------------------------------------------------------------


def fill_adult_concern(page, person_label):
    page.get_by_label("Who the concern is about").select_option(label=person_label)
    page.get_by_label("Allegation").check()
    page.get_by_label("What you saw or heard").fill("He grabbed a child by the arm in the hall.")
    page.get_by_label("Where").fill("Hall")


def test_a_teacher_raises_a_concern_about_an_adult(
    transactional_db, live_server, page, lado, teacher, other_teacher, dsl, head
):
    log_in(page, live_server, "teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log a concern").click()
    page.get_by_role("link", name="Report a concern about an adult").click()
    expect(page.locator("h1")).to_have_text("Report a concern about an adult")
    expect(page.locator("main")).to_contain_text(LADO)
    check(page, "Concern about an adult")

    # Forgot what happened: the message says so and keeps the rest.
    page.get_by_label("Who the concern is about").select_option(
        label="Other_Teacher Tester – Teacher"
    )
    page.get_by_role("button", name="Send").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page.get_by_label("Who the concern is about")).to_have_value(str(other_teacher.pk))
    check(page, "Concern about an adult with errors")

    fill_adult_concern(page, "Other_Teacher Tester – Teacher")
    page.get_by_role("button", name="Send").click()
    status = page.get_by_role("status").first
    expect(status).to_contain_text("has gone to the people who handle concerns about adults")
    expect(status).to_contain_text(LADO)
    check(page, "Concern about an adult sent")
    concern = Concern.objects.about_adults().get()
    assert {a.recipient.username for a in concern.alerts.all()} == {"dsl", "head"}

    # About the DSL, with the head teacher gone and no chair: nobody can receive it.
    head.is_active = False
    head.save()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log a concern").click()
    page.get_by_role("link", name="Report a concern about an adult").click()
    fill_adult_concern(page, "Dsl Tester – Designated Safeguarding Lead")
    page.get_by_role("button", name="Send").click()
    main = page.locator("main")
    expect(main).to_contain_text("nobody in the school could be sent it")
    expect(main).to_contain_text("Please contact the LADO today")
    expect(main).to_contain_text(LADO)
    expect(main).not_to_contain_text("has gone")
    check(page, "Concern about an adult that reached nobody")


# --- 5. a volunteer who has not signed the agreement ---------------------------------------------


def test_an_unsigned_volunteer_reports_a_concern_without_a_list_of_pupils(
    transactional_db, live_server, page, volunteer, dsl, pupil
):
    ConfidentialityAgreement.publish("Keep what you learn about children to yourself.")

    log_in(page, live_server, "volunteer")
    expect(page.locator("h1")).to_have_text("Confidentiality agreement")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log a concern").click()
    expect(page.locator("h1")).to_have_text("Log a concern")
    expect(page.locator("select[name$='-student']")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Quinn")
    expect(page.locator("main")).to_contain_text("There is no list of children here")
    check(page, "Concern form without the agreement")

    page.get_by_label("The child's name and class").fill("Maya, Year 3, 3 Oak")
    page.get_by_label("Main category").select_option(label="Neglect")
    page.get_by_label("What you saw or heard").fill("She said she had nothing to eat yesterday.")
    page.get_by_label("I told the child it may be passed on").check()
    page.get_by_role("button", name="Send to the DSL and deputies").click()
    expect(page.get_by_role("status").first).to_contain_text("has gone to the DSL and deputies")
    check(page, "Concern sent without the agreement")
    concern = Concern.objects.get()
    assert concern.raised_by == volunteer
    assert "Maya, Year 3, 3 Oak" in concern.account
