"""A subject-access request in a real browser (P4): the DSL, with a second factor, logs a
parent's request (a mistake in the form is caught first, nothing typed lost), gathers the
child's file, redacts another child's name everywhere (typed) and a member of staff's in one
item (selected in the text), previews the answer as the parent will read it, marks it ready and
downloads the PDF, whose text layer holds neither name. axe finds no serious or critical
violation on any of the pages, and none is wider than a 390 px phone."""

from io import BytesIO
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pypdf import PdfReader

from confidentiality.roles import Role
from tests.safeguarding.conftest import raise_concern  # noqa: F401

from .conftest import log_in
from .test_safeguarding_journey import confirm_second_factor
from .test_security_journeys import check

pytestmark = pytest.mark.browser

OTHER_CHILD = "Oliver Stone"
STAFF_NAME = "Priya Patel"


def test_the_dsl_logs_redacts_and_exports_a_request(
    transactional_db,
    live_server,
    page,
    dsl,
    teacher,
    pupil,
    student_factory,
    make_user,
    raise_concern,  # noqa: F811
    tmp_path,
):
    student_factory(first_name="Oliver", last_name="Stone")
    patel = make_user("ppatel", Role.TEACHING_ASSISTANT)
    patel.first_name, patel.last_name = "Priya", "Patel"
    patel.save()
    raise_concern(
        teacher,
        [pupil],
        account=f"Maya said {OTHER_CHILD} pushed her. {STAFF_NAME} saw it.",
        category="peer_on_peer",
    )
    device = TOTPDevice.objects.create(user=dsl, name="Phone", confirmed=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    missing = []  # a stylesheet or script of these pages that is not there
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    log_in(page, live_server, "dsl")
    page.goto(f"{live_server.url}/subject-access/")
    confirm_second_factor(page, device)
    expect(page.locator("h1")).to_have_text("Subject-access requests")
    check(page, "Subject-access requests")

    # Log the request; the missing name is caught, what was typed stays.
    page.get_by_role("link", name="Log a request").click()
    check(page, "Log a subject-access request")
    page.get_by_label("Which child's file").select_option(label="Quinn, Maya (Year 3)")
    page.get_by_label("Who is asking").select_option(
        label="Parent or carer with parental responsibility"
    )
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("How their identity was checked").fill("Passport seen at reception.")
    page.get_by_role("button", name="Log the request").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("How their identity was checked")).to_have_value(
        "Passport seen at reception."
    )
    check(page, "Log a subject-access request with an error")
    page.get_by_label("Name of the person asking").fill("Rachel Quinn")
    page.get_by_role("button", name="Log the request").click()
    expect(page.locator("h1")).to_have_text("Subject-access request for Maya Quinn")
    expect(page.locator(".messages")).to_contain_text("It must be answered by")
    check(page, "Subject-access request")

    # Gather the file and open the concern.
    page.get_by_role("button", name="Gather the child's file").click()
    expect(page.locator("h1")).to_have_text("The file for Maya Quinn")
    expect(page.locator("#everywhere")).to_contain_text(OTHER_CHILD)  # offered
    check(page, "Subject-access file")
    page.locator(".file-items a", has_text="Concern").first.click()
    check(page, "Subject-access item")

    # The other child, typed, everywhere.
    page.get_by_label("Words to redact").fill(OTHER_CHILD)
    page.get_by_role("button", name="Redact these words").click()
    expect(page.locator(".messages")).to_contain_text("will be redacted everywhere")
    # The member of staff, selected in the text, in this item only.
    page.evaluate(
        """(words) => {
            const text = document.getElementById("item-text");
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    text.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
        }""",
        STAFF_NAME,
    )
    expect(page.get_by_label("Words to redact")).to_have_value(STAFF_NAME)
    page.get_by_label("Whose information it is").select_option("staff")
    page.get_by_label("In this item only").check()
    page.get_by_role("button", name="Redact these words").click()
    expect(page.locator("#marked")).to_contain_text(STAFF_NAME)
    check(page, "Subject-access item with redactions")

    # The preview reads as the parent will read it.
    page.goto(page.url.split("/file/")[0] + "/preview/")
    answer = page.locator("article.answer")
    expect(answer).to_contain_text("[redacted: third party]")
    expect(answer).to_contain_text("[redacted: member of staff]")
    expect(answer).not_to_contain_text(OTHER_CHILD)
    expect(answer).not_to_contain_text(STAFF_NAME)
    check(page, "Subject-access preview")

    # Ready, then the PDF.
    page.get_by_role("link", name="the request's page").click()
    page.get_by_role("button", name="Mark ready to send").click()
    expect(page.locator(".messages")).to_contain_text("ready to send")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the answer as a PDF").click()
    saved = tmp_path / "answer.pdf"
    info.value.save_as(saved)
    data = Path(saved).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())
    assert "Maya" in text and "[redacted: third party]" in text
    assert OTHER_CHILD not in text and STAFF_NAME not in text
    assert OTHER_CHILD.encode() not in data and STAFF_NAME.encode() not in data
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, csp
    assert not missing, missing
