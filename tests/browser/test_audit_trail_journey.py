"""The DSL asks "who has seen this concern?" in a real browser: the trail of that concern only,
in words, narrowed to one person by typing part of a name (no script needed), and back to the
concern (accessible, axe)."""

import uuid

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from confidentiality.audit import acting_as
from safeguarding import raising
from safeguarding.models import ConcernSubject

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser


def test_the_dsl_sees_who_has_seen_a_concern(
    transactional_db, live_server, page, dsl, teacher, pupil, student_factory
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on(
        "console",
        # The browser's own request for a site icon (the site has none) is not the page's.
        lambda m: (
            console_errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    concerns = []
    for child in (pupil, student_factory(first_name="Leo", last_name="Brown")):
        with acting_as(teacher):  # as the form does it: the teacher raised them
            concern, _ = raising.raise_concern(
                teacher,
                {
                    "idempotency_key": uuid.uuid4(),
                    "category": "neglect",
                    "urgency": "routine",
                    "account": "Seen at the gate.",
                    "happened_at": timezone.now(),
                    "child_told": "observation",
                },
                [(child, ConcernSubject.Part.SUBJECT)],
                [],
            )
        concerns.append(concern)
    mine, other = concerns

    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/safeguarding/concerns/{mine.pk}/")
    confirm_second_factor(page, device)
    page.get_by_role("link", name="Who has seen this concern").click()
    expect(page.locator("h1")).to_have_text(f"Who has seen Concern {mine.reference}")
    table = page.locator("table.data")
    expect(table).to_contain_text("Dsl Tester")
    expect(table).to_contain_text("viewed")
    expect(table).not_to_contain_text(other.reference)
    violations = serious_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("Find a person").fill("teach")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("h1")).to_have_text(f"Who has seen Concern {mine.reference}")
    expect(page.locator("#id_person")).to_contain_text("Teacher Tester")
    expect(page.locator("#id_person")).not_to_contain_text("Dsl Tester")
    expect(table).not_to_contain_text("Dsl Tester")
    expect(table).to_contain_text("created")

    page.get_by_role("link", name=f"Back to Concern {mine.reference}").click()
    expect(page).to_have_url(f"{live_server.url}/safeguarding/concerns/{mine.pk}/")
    assert not console_errors
