"""Real-browser journeys: Playwright drives Debian chromium against the live server."""

import os
import shutil

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from fixtures would
# otherwise refuse with SynchronousOnlyOperation. tests/conftest.py sets this too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SERIOUS = {"serious", "critical"}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail(
            "Browser tests need the Debian 'chromium' executable on PATH "
            "(apt-get install chromium); it was not found.",
            pytrace=False,
        )
    return {"executable_path": executable, "args": CHROMIUM_ARGS}


def log_in(page, live_server, username, password=PASSWORD):
    """Sign in through the real login form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    return page


def serious_violations(page):
    """Run axe on the current page; return only its serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            lines.append(f"    target={node.get('target')}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {summary}")
            lines.append(f"    html={node.get('html', '')[:200]}")
    return "\n".join(lines)
