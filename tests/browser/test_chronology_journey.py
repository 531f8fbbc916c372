"""The DSL reads a child's chronology in a real browser: accessible (axe), readable on a phone,
filterable by kind of entry, exported as a PDF for a case conference with only the kinds chosen,
with a print view that passes the strict CSP.

(Recording the information share through its form is the casework journey's: here the share is
recorded through the same verb, so that this journey starts at the chronology.)"""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguarding.chronology import Kind
from tests.safeguarding.test_case_conference_pdf import pdf_pages

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor
from .test_security_journeys import check

pytestmark = pytest.mark.browser


@pytest.fixture
def case(pupil, teacher, dsl, deputy):
    import uuid

    from django.utils import timezone

    from safeguarding import information_sharing, raising
    from safeguarding.models import Action, ConcernSubject, InformationShare

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
    information_sharing.record_share(
        InformationShare(
            concern=concern,
            student=pupil,
            shared_on=timezone.localdate(),
            agency="Police",
            recipient="PC Jones",
            what_was_shared="Dates of the concerns.",
            lawful_basis="6_1_e",
            special_category="9_2_g_sch1_18",
            student_told=False,
            parents_told=False,
            reason_not_told="Mum's partner is the alleged harmer.",
        ),
        by=dsl,
    )
    return concern


def test_the_dsl_reads_filters_exports_and_prints_a_chronology(
    transactional_db, live_server, page, dsl, pupil, case
):
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/safeguarding/children/{pupil.pk}/chronology/")
    confirm_second_factor(page, device)

    expect(page.locator("h1")).to_have_text("Chronology: Maya Quinn")
    violations = serious_violations(page)
    assert not violations, "Chronology accessibility violations:\n" + describe(violations)
    table = page.locator("table.chronology")
    expect(table).to_contain_text("no food at home")
    expect(table).to_contain_text("Information shared with Police")

    # The kinds of entry: a fieldset with its legend, every kind ticked to begin with; the page
    # reads on a phone without scrolling sideways.
    kinds = page.get_by_role("group", name="Kinds of entry")
    for label in Kind.LABELS.values():
        expect(kinds.get_by_label(label, exact=True)).to_be_checked()
    check(page, "Chronology")

    for label in Kind.LABELS.values():
        if label != "Information shared":
            kinds.get_by_label(label, exact=True).uncheck()
    page.get_by_role("button", name="Apply filters").click()
    expect(table).to_contain_text("Information shared with Police")
    expect(table).not_to_contain_text("no food at home")
    expect(page.get_by_label("Concerns", exact=True)).not_to_be_checked()

    # The PDF for a case conference holds the same choice, and its cover says so.
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Export as a PDF for a case conference").click()
    data = Path(downloading.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_pages(data))
    assert "Information shared with Police" in text and "no food at home" not in text
    assert "Kinds of entry included Information shared" in text
    expect(page.locator("h1")).to_have_text("Chronology: Maya Quinn")  # still on the page

    page.get_by_role("link", name="Print view").click()
    expect(page.locator("h1")).to_contain_text("Safeguarding chronology")
    violations = serious_violations(page)
    assert not violations, "Print view accessibility violations:\n" + describe(violations)
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, "CSP errors in the browser console:\n" + "\n".join(csp)
