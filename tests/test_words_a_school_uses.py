"""Every page speaks the words a school uses: no policy codes ("P4"), no field or framework names
("reason_not_told", "None"), no label said twice ("(optional) (optional)"), and a form posted
empty says what is missing in words, never Django's "This field is required.".

For each person of the demo school, through the test client (no browser, so it is quick): sign
in (with a confirmed second factor), open the dashboard, every link of the menu and of the
dashboard, and every link one level deeper; then post each form that asks for something empty.
The sign-in, password-reset and error pages are read too. The "why not told" label is checked
in ``tests/safeguarding/test_reason_not_told_label.py``."""

import itertools
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from confidentiality.models import User
from tests.conftest import sign_in

PEOPLE = [
    "dsl",
    "deputy",
    "head",
    "teacher",
    "teacher2",
    "ta",
    "office",
    "volunteer",
    "nurse",
    "governor",
    "governor2",
    "clerk",
    "parent",
    "parent2",
]

# Links that are not pages to read: signing out, files and print views.
NOT_PAGES = ("logout", "download", "export", ".pdf", ".csv", "/pdf", "/csv", "print")
# Pages of one kind (one view) read per person: the words come from the template and the
# view, so a second record of the same kind adds little but time.
PAGES_PER_VIEW = 2
# Fewer pages than this for anyone means the walk lost its way (e.g. signed out).
MIN_PAGES = 5

POLICY_CODE = re.compile(r"\bP(?:[1-9]|1\d|2[0-5])\b")
# A field or framework name: two lower-case words joined by an underscore. Email addresses
# and web addresses are words people read as they are, so they are taken out first.
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|/[\w\-./]+")
# A word of three letters or more said twice in a row ("Answer Answer"), or a label twice.
DOUBLED = re.compile(r"\b([A-Za-z]{3,})\s+\1\b|\(optional\)\s*\(optional\)", re.IGNORECASE)
# Repeats English allows ("that that" is rare but right; none is in use yet).
DOUBLED_ALLOWED = {"that", "had"}
# Python's words for nothing, yes and no, shown as a value: alone in an element, after a label's
# colon, or True/False anywhere (a sentence says "true", not "True", in its middle).
PYTHON_VALUE_ALONE = re.compile(r"^(?:None|True|False)$")
PYTHON_VALUE = re.compile(r"(?::|=)\s*(?:None|True|False)\b|(?<=[a-z,] )(?:True|False|None)\b")

GENERIC_REQUIRED = "This field is required."


class PageReader(HTMLParser):
    """What a person reads on a page (the text, and the attributes a screen reader or a tooltip
    says), the links of its menu and main part, and its forms."""

    SKIPPED = {"script", "style", "template", "noscript"}
    TITLES = {"h1", "h2", "h3", "h4", "h5", "h6", "summary", "label", "legend"}
    READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    TEXT_INPUTS = {
        "text",
        "email",
        "date",
        "datetime-local",
        "time",
        "number",
        "search",
        "tel",
        "url",
        "month",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.skipping = 0
        self.in_menu = 0  # depth of <ul> inside #site-menu
        self.in_main = 0
        self.form = None
        # Headings and the labels of fields: a label that only repeats the heading just above
        # it ("Answer", then "Answer") is read twice for nothing.
        self.titles: list[tuple[str, str]] = []
        self.titling: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.SKIPPED:
            self.skipping += 1
            return
        for name in self.READ_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button")
            and attributes.get("value")
        ):
            self.texts.append(attributes["value"])
        if tag in self.TITLES:
            self.titling.append(tag)
        if tag == "ul" and (self.in_menu or attributes.get("id") == "site-menu"):
            self.in_menu += 1
        if tag == "main":
            self.in_main += 1
        if (
            tag == "a"
            and attributes.get("href")
            and (self.in_menu or self.in_main)
            and "download" not in attributes
        ):
            self.links.append(attributes["href"])
        if tag == "form":
            self.form = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action") or "",
                "asks": False,
            }
            self.forms.append(self.form)
        if self.form is not None and "required" in attributes:
            kind = (attributes.get("type") or "text").lower()
            if tag in ("select", "textarea") or (tag == "input" and kind in self.TEXT_INPUTS):
                self.form["asks"] = True

    def handle_endtag(self, tag):
        if tag in self.TITLES and tag in self.titling:
            while self.titling.pop() != tag:
                pass
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "ul" and self.in_menu:
            self.in_menu -= 1
        elif tag == "main" and self.in_main:
            self.in_main -= 1
        elif tag == "form":
            self.form = None

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)
            if self.titling:
                self.titles.append((self.titling[-1], " ".join(data.split())))


def read(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def wrong_words(texts: list[str]) -> list[str]:
    """Each snippet of ``texts`` that is not a word a school uses, with what is wrong."""
    found = []
    for piece in texts:
        text = " ".join(piece.split())
        for match in POLICY_CODE.finditer(text):
            found.append(f"policy code {match.group()!r} in {text[:120]!r}")
        for match in SNAKE_CASE.finditer(ADDRESSES.sub(" ", text)):
            found.append(f"field name {match.group()!r} in {text[:120]!r}")
        for match in DOUBLED.finditer(text):
            if (match.group(1) or "").lower() not in DOUBLED_ALLOWED:
                found.append(f"said twice {match.group()!r} in {text[:120]!r}")
        if PYTHON_VALUE_ALONE.match(text) or PYTHON_VALUE.search(text):
            found.append(f"a Python value in {text[:120]!r}")
    pieces = [" ".join(piece.split()) for piece in texts]
    joined = " ".join(pieces)
    for match in re.finditer(r"\(optional\)\s*\(optional\)", joined):
        found.append(f"said twice {match.group()!r}")
    return found


def titles_said_twice(page: "PageReader") -> list[str]:
    """A heading (or a fold's title) followed at once by a field's label saying the same."""
    return [
        f"said twice {before!r} (a heading, then a label)"
        for (tag, before), (next_tag, after) in itertools.pairwise(page.titles)
        if tag not in ("label", "legend")
        and next_tag in ("label", "legend")
        and before.lower() == after.lower()
    ]


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def view_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def same_origin_pages(base: str, hrefs: list[str]) -> list[str]:
    """The addresses of ``hrefs`` (read on ``base``) that are pages of this site to read."""
    pages = []
    for href in hrefs:
        url = urljoin(base, href).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if any(word in path.lower() for word in NOT_PAGES) or not parts.path:
            continue
        if path.startswith("/admin/"):
            continue  # Django's own admin is read in its own test
        if path not in pages:
            pages.append(path)
    return pages


def walk(client: Client, who: str) -> tuple[list[str], list[tuple[str, dict]], list[str]]:
    """Read the dashboard, every link of its menu and main part, and every link one level
    deeper. Returns the problems found, the forms seen (their page and form) and the pages
    read."""
    problems, forms, pages_read = [], [], []
    seen, per_view = set(), {}

    def visit(path):
        seen.add(path)
        view = view_of(urlsplit(path).path)
        per_view[view] = per_view.get(view, 0) + 1
        if per_view[view] > PAGES_PER_VIEW:
            return None
        response = client.get(path)
        if response.status_code in (301, 302):
            return None  # e.g. a page that wants the second factor again: read where it leads
        if response.status_code >= 400:
            problems.append(f"{who} {path}: answered {response.status_code}")
            return None
        if not is_html(response):
            return None
        page = read(response.content.decode())
        wrong = wrong_words(page.texts) + titles_said_twice(page)
        problems.extend(f"{who} {path}: {problem}" for problem in wrong)
        forms.extend((path, form) for form in page.forms)
        pages_read.append(path)
        return page

    dashboard = visit("/")
    level = same_origin_pages("/", dashboard.links)
    for depth in range(2):
        following = []
        for path in level:
            if path in seen:
                continue
            page = visit(path)
            if page is not None and depth == 0:
                following += same_origin_pages(path, page.links)
        level = following
    return problems, forms, pages_read


def refused(response) -> bool:
    """Whether the post was refused with the form's errors: 400 (the pattern), or a page of the
    form again with its error summary (some views still answer 200)."""
    if response.status_code == 400:
        return True
    return response.status_code == 200 and b'class="errorlist' in response.content


def post_empty(client: Client, who: str, forms: list[tuple[str, dict]]) -> list[str]:
    """Post each form that asks for something (a required text box or list) with nothing in it.
    Only a refusal is read (nothing was saved): it must say what is missing in words."""
    problems, posted = [], set()
    for page, form in forms:
        if form["method"] != "post" or not form["asks"]:
            continue
        action = urlsplit(urljoin(page, form["action"] or page)).path
        if action in posted or "logout" in action:
            continue
        posted.add(action)
        # Every field empty. One key that no form knows, so a view that reads an empty post as
        # "not sent" (``request.POST or None``) checks the form all the same.
        response = client.post(action, {"sent": ""})
        if not is_html(response) or not refused(response):
            continue
        texts = read(response.content.decode()).texts
        problems += [f"{who} {action} (empty): {p}" for p in wrong_words(texts)]
        if GENERIC_REQUIRED in " ".join(texts):
            problems.append(f"{who} {action} (empty): says {GENERIC_REQUIRED!r}")
    return problems


@pytest.mark.parametrize("username", PEOPLE)
def test_every_page_a_person_reaches_reads_in_a_schools_words(demo_school, client, username):
    user = User.objects.get(username=username)
    sign_in(client, user, verified=True)
    problems, forms, pages_read = walk(client, username)
    # The walk really went somewhere: the dashboard, the menu and the pages below them.
    assert len(pages_read) >= MIN_PAGES, f"{username} read only {pages_read}"
    assert forms, f"{username}: no form found on any page"
    problems += post_empty(client, username, forms)
    assert not problems, "\n".join(problems)


def test_signing_in_resetting_a_password_and_error_pages_read_in_a_schools_words(demo_school):
    client = Client()
    problems = []
    pages = [
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        reverse("password_reset_complete"),
        "/no-such-page/",
    ]
    for path in pages:
        response = client.get(path, follow=True)
        assert is_html(response), path
        problems += [f"{path}: {p}" for p in wrong_words(read(response.content.decode()).texts)]
    # A bad sign-in and a bad reset request say what is wrong in words.
    for path in (reverse("login"), reverse("password_reset")):
        response = client.post(path, {})
        texts = read(response.content.decode()).texts
        text = " ".join(texts)
        problems += [f"{path} (empty): {p}" for p in wrong_words(texts)]
        if GENERIC_REQUIRED in text:
            problems.append(f"{path} (empty): says {GENERIC_REQUIRED!r}")
    for template in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        html = render_to_string(template, {"reason": "", "request_path": "/somewhere/"})
        problems += [f"{template}: {p}" for p in wrong_words(read(html).texts)]
    assert not problems, "\n".join(problems)


def test_the_reader_finds_what_it_looks_for():
    """The checks above would pass on an empty reading: each of them can fail."""
    page = read(
        "<main><a href='/x/'>x</a><p>Shared (P2)</p><p>reason_not_told</p>"
        "<label>Answer Answer</label><span>Child (optional) (optional)</span><dd>None</dd>"
        "<h2>Reply</h2><legend> Reply </legend>"
        "<p title='Told: True'>t</p><script>var snake_case = 1;</script></main>"
        "<!-- P4 in a comment is not read -->"
    )
    problems = wrong_words(page.texts) + titles_said_twice(page)
    assert page.links == ["/x/"]
    assert any("'P2'" in p for p in problems)
    assert any("reason_not_told" in p for p in problems)
    assert any("Answer Answer" in p for p in problems)
    assert any("'Reply' (a heading, then a label)" in p for p in problems)
    assert any("(optional) (optional)" in p for p in problems)
    assert sum("Python value" in p for p in problems) == 2
    assert not any("snake_case" in p or "P4" in p for p in problems)
    assert not wrong_words(["None of the children", "Write to dsl_team@school.example"])
