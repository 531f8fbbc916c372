"""Every page a person reaches from the menu and the dashboard reads on a phone (390px wide).

For each person of the demo school, in a real browser: sign in (with the second factor for the
safeguarding team and the head), then open every link of the menu and the dashboard, one level
deep. On each page the page itself must not scroll sideways (a wide table scrolls inside its own
box), and axe must find no serious or critical violation (each page, not each kind of page: what
a page holds differs from person to person, and so can what axe finds). The compact menu is
checked on its own: folded behind a "Menu" button with script, listed in full without."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from confidentiality.models import User
from tests.conftest import DEMO_PASSWORD

from .conftest import describe, log_in, serious_violations
from .test_safeguarding_journey import confirm_second_factor

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGES_PER_PERSON = 40

# The demo school's people, one of each role. The safeguarding team and the head confirm a
# second factor before they open anything confidential (P6).
PEOPLE = [
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
SECOND_FACTOR = {"dsl", "deputy", "head"}

# Links that are not pages to read: signing out, files, and print views (which open the
# browser's print dialogue).
NOT_PAGES = ("logout", "download", "export", ".pdf", ".csv", "/pdf", "/csv", "print")

# The elements that stick out past the right edge, to name in a failure.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const scrolls = (el) => ["auto", "scroll", "hidden", "clip"].includes(
    getComputedStyle(el).overflowX);
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 1 || box.width === 0) continue;
    let inScroller = false;
    for (let up = el.parentElement; up && !inScroller; up = up.parentElement) {
      inScroller = scrolls(up);
    }
    if (inScroller) continue;
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    found.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes
      + " right=" + Math.round(box.right));
  }
  return found.slice(0, 6);
}"""

SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _links_to_walk(page, origin) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "#site-menu a[href], main a[href]:not([download])",
        "links => links.map(a => a.getAttribute('href'))",
    )
    urls = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#", 1)[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        if any(word in url.lower() for word in NOT_PAGES):
            continue
        if url not in urls:
            urls.append(url)
    return urls


def _check_page(page, url, who) -> list[str]:
    """What is wrong with the page at ``url``: it scrolls sideways, or axe finds a serious or
    critical violation."""
    problems = []
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return problems  # a file behind an ordinary link: not a page to read
        raise
    page.wait_for_load_state("load")
    if response is not None and response.status >= 400:
        problems.append(f"{who} {url}: answered {response.status}")
        return problems
    scroll_width, client_width = page.evaluate(SIDEWAYS)
    if scroll_width > client_width:
        culprits = ", ".join(page.evaluate(OVERFLOWING))
        problems.append(
            f"{who} {url}: scrolls sideways ({scroll_width}px > {client_width}px): {culprits}"
        )
    violations = serious_violations(page)
    if violations:
        problems.append(f"{who} {url}: accessibility\n{describe(violations)}")
    return problems


def _accept_agreement_if_due(user):
    from confidentiality.models import ConfidentialityAgreement
    from confidentiality.models.agreements import must_accept_agreement_now

    if user.must_sign_agreement and must_accept_agreement_now(user):
        ConfidentialityAgreement.objects.current().accept(user)


def test_every_page_reads_at_390px_for_every_person(transactional_db, live_server, browser):
    call_command("seed_demo", password=DEMO_PASSWORD, verbosity=0)
    origin = live_server.url.rstrip("/")
    problems = []
    context = browser.new_context(viewport=PHONE)
    try:
        problems += _check_page(context.new_page(), f"{origin}/accounts/login/", "anyone")
    finally:
        context.close()
    for username in PEOPLE:
        user = User.objects.get(username=username)
        _accept_agreement_if_due(user)
        context = browser.new_context(viewport=PHONE)
        try:
            page = context.new_page()
            log_in(page, live_server, username, DEMO_PASSWORD)
            assert "/accounts/login/" not in page.url, f"{username} could not sign in"
            if username in SECOND_FACTOR:
                device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
                page.goto(f"{origin}{reverse('two_factor:verify')}?next=/")
                confirm_second_factor(page, device)
            problems += _check_page(page, f"{origin}/", username)
            links = _links_to_walk(page, origin)
            assert links, f"{username}: no links on the dashboard or in the menu"
            for url in links[:PAGES_PER_PERSON]:
                if url.rstrip("/") != origin:
                    problems += _check_page(page, url, username)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_the_menu_folds_behind_a_button_on_a_phone(transactional_db, live_server, browser, dsl):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, live_server, "dsl")
        button = page.get_by_role("button", name="Menu")
        menu = page.locator("#site-menu")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_hidden()
        # The page's own heading is in view at once, not below a wall of links.
        assert page.locator("h1").bounding_box()["y"] < 300

        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(menu.get_by_role("link", name="Dashboard")).to_be_visible()
        assert not serious_violations(page)

        page.keyboard.press("Tab")
        expect(menu.get_by_role("link").first).to_be_focused()
        page.keyboard.press("Escape")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_be_focused()
        expect(menu).to_be_hidden()
    finally:
        context.close()


def test_the_menu_is_shown_in_full_without_script(transactional_db, live_server, browser, dsl):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server, "dsl")
        expect(page.locator("#site-menu").get_by_role("link", name="Dashboard")).to_be_visible()
        expect(page.locator(".menu-toggle")).to_be_hidden()
        assert page.evaluate(SIDEWAYS)[0] <= PHONE["width"]
    finally:
        context.close()


def test_the_menu_is_as_before_on_a_wide_screen(transactional_db, live_server, browser, dsl):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        log_in(page, live_server, "dsl")
        expect(page.locator(".menu-toggle")).to_be_hidden()
        expect(page.locator("#site-menu").get_by_role("link", name="Dashboard")).to_be_visible()
    finally:
        context.close()
