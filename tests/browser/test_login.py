"""Signing in with a real browser: accessible pages, working form, no CSP breakage."""

import pytest
from playwright.sync_api import expect

from confidentiality.models import ConfidentialityAgreement
from confidentiality.roles import Role

from .conftest import describe, log_in, serious_violations

pytestmark = pytest.mark.browser

PERSONAS = [
    "dsl",
    "deputy",
    "head",
    "teacher",
    "ta",
    "office",
    "volunteer",
    "nurse",
    "governor",
    "clerk",
    "parent",
]


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.CLERK)


def test_login_page_is_accessible_and_signs_in(transactional_db, live_server, page, make_user):
    make_user("teacher", Role.TEACHER)
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/")
    violations = serious_violations(page)
    assert not violations, "Login page accessibility violations:\n" + describe(violations)

    log_in(page, live_server, "teacher")
    expect(page.locator("h1")).to_contain_text("Hello")

    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, "CSP errors in the browser console:\n" + "\n".join(csp)


@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboard_is_accessible_for_each_role(
    transactional_db, live_server, page, request, persona
):
    user = request.getfixturevalue(persona)
    if user.must_sign_agreement:  # the agreement gate has its own tests (P11, P16, P25)
        ConfidentialityAgreement.objects.current().accept(user)
    log_in(page, live_server, user.username)
    expect(page.locator("h1")).to_contain_text("Hello")

    violations = serious_violations(page)
    assert not violations, f"Dashboard violations for {persona}:\n" + describe(violations)

    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    if persona == "parent":
        expect(nav).not_to_contain_text("Students")


def test_wrong_password_shows_error_and_keeps_username(
    transactional_db, live_server, page, teacher
):
    log_in(page, live_server, "teacher", password="not the right password")

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page.get_by_label("Username")).to_have_value("teacher")
    expect(page.locator("h1")).to_have_text("Sign in")
