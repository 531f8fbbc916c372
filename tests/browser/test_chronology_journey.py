"""The DSL reads a child's chronology in a real browser: accessible (axe), filterable, with a
print view that passes the strict CSP; and records an information share (P2)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding.models import InformationShare

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser


@pytest.fixture
def case(pupil, teacher, dsl, deputy):
    import uuid

    from django.utils import timezone

    from safeguarding import raising
    from safeguarding.models import Action, ConcernSubject

    concern, _ = raising.raise_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "category": "neglect",
            "urgency": "routine",
            "account": "Said there was no food at home last night.",
            "happened_at": timezone.now(),
            "child_told": "told",
        },
        [(pupil, ConcernSubject.Part.SUBJECT)],
        [],
    )
    Action(
        concern=concern,
        owner=dsl,
        created_by=dsl,
        description="Speak to mum at pick-up",
        due_on=timezone.localdate(),
    ).save()
    return concern


def test_the_dsl_reads_filters_and_prints_a_chronology(
    transactional_db, live_server, page, dsl, pupil, case
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/safeguarding/concerns/{case.pk}/")
    confirm_second_factor(page, device)

    # P2: the share form refuses a share nobody was told about without a reason.
    page.locator("#id_share-student").select_option(label="Quinn, Maya (Year 3)")
    page.locator("#id_share-agency").fill("Police")
    page.locator("#id_share-recipient").fill("PC Jones")
    page.locator("#id_share-what_was_shared").fill("Dates of the concerns.")
    page.locator("#id_share-lawful_basis").select_option(value="6_1_e")
    page.get_by_role("button", name="Record the share").click()
    expect(page.locator("#shares")).to_contain_text("must be told first")
    page.locator("#id_share-reason_not_told").fill("Mum's partner is the alleged harmer.")
    page.get_by_role("button", name="Record the share").click()
    expect(page.get_by_role("status").first).to_contain_text("Information share recorded")
    assert InformationShare.objects.get().recipient == "PC Jones"

    page.get_by_role("link", name="chronology of Maya Quinn").click()
    expect(page.locator("h1")).to_have_text("Chronology: Maya Quinn")
    violations = serious_violations(page)
    assert not violations, "Chronology accessibility violations:\n" + describe(violations)
    table = page.locator("table.chronology")
    expect(table).to_contain_text("no food at home")
    expect(table).to_contain_text("Information shared with Police")

    page.get_by_label("Information shared").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(table).to_contain_text("Information shared with Police")
    expect(table).not_to_contain_text("no food at home")

    page.get_by_role("link", name="Print view").click()
    expect(page.locator("h1")).to_contain_text("Safeguarding chronology")
    violations = serious_violations(page)
    assert not violations, "Print view accessibility violations:\n" + describe(violations)
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, "CSP errors in the browser console:\n" + "\n".join(csp)
