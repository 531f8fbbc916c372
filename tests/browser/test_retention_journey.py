"""Retention in a real browser (P4): the DSL, with a second factor, reads what is due for
deletion (a child-protection file and a pupil record by name), keeps an account due for review
with a reason, changes a rule (a mistake is
caught first, nothing typed lost), places a legal hold on every safeguarding record and sees
the file shown as held, lifts it, and reads the certificates. axe finds no serious or critical
violation on any retention page, and none is wider than a 390 px phone."""

import uuid
from datetime import date, datetime

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from records.models import Student
from safeguarding import raising
from safeguarding.models import ConcernSubject

from .conftest import log_in
from .test_safeguarding_journey import confirm_second_factor
from .test_security_journeys import check

pytestmark = pytest.mark.browser


def test_the_dsl_reviews_the_schedule_and_places_a_hold(
    transactional_db, live_server, page, dsl, make_user
):
    child = Student.objects.create(
        first_name="Rowan",
        last_name="Ashby",
        year_group=11,
        upn="R000000000001",
        date_of_birth=date(1995, 3, 4),
        nhs_number="943 476 5919",
    )
    data = {
        "idempotency_key": uuid.uuid4(),
        "category": "emotional",
        "urgency": "routine",
        "account": "Shouting at home.",
        "happened_at": timezone.now(),
        "location": "Hall",
        "child_told": "told",
    }
    raising.raise_concern(dsl, data, [(child, ConcernSubject.Part.SUBJECT)], [])
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    leaver = make_user("leaver", is_active=False)
    leaver.last_login = timezone.make_aware(datetime(2019, 7, 19, 15, 0))
    leaver.save(update_fields=["last_login"])

    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/retention/")
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_have_text("Records due for deletion")
    expect(page.locator("main")).to_contain_text("Child-protection file of Rowan Ashby")
    check(page, "Retention report")

    # An account of someone who left, due for review: kept two more years, with the reason.
    page.get_by_role("link", name="review Account of Leaver Tester").click()
    page.get_by_role("button", name="Keep the record").click()
    expect(page.locator(".error-summary")).to_be_focused()
    check(page, "Review a record with an error")
    page.get_by_label("Keep it for another").fill("2")
    page.get_by_label("Reason").fill("An employment tribunal claim is pending.")
    page.get_by_role("button", name="Keep the record").click()
    expect(page.locator(".messages")).to_contain_text("Kept until")

    page.get_by_role("link", name="Rules").click()
    check(page, "Retention rules")
    page.get_by_role("link", name="Change the rule for requests to talk").click()
    page.get_by_label("Years kept").fill("101")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("Years kept")).to_have_value("101")
    check(page, "Retention rule with an error")
    page.get_by_label("Years kept").fill("2")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator(".messages")).to_contain_text("The rule for requests to talk is saved.")

    page.get_by_role("link", name="Legal holds").first.click()
    page.get_by_role("link", name="Place a legal hold").click()
    page.get_by_label("Every safeguarding record").check()
    page.get_by_label("Reason").fill("Letter from the inquiry, 1 November 2026.")
    check(page, "Place a legal hold")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".messages")).to_contain_text("is placed")
    check(page, "Legal holds")

    page.goto(f"{live_server.url}/retention/")
    expect(page.locator("main")).to_contain_text("Held:")
    page.goto(f"{live_server.url}/retention/holds/")
    page.get_by_role("button", name="Lift").first.click()
    expect(page.locator(".messages")).to_contain_text("is lifted")

    page.get_by_role("link", name="Deletion certificates").click()
    expect(page.locator("h1")).to_have_text("Deletion certificates")
    check(page, "Deletion certificates")
