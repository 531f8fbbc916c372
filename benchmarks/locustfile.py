"""The load test's people (run by ``load.py``, which writes their plan): the safeguarding team
and the head teacher, teachers, parents and governors, each signing in through the real sign-in
page (its CSRF token, then the authenticator code for those with a second factor), then using
their pages; teachers also log concerns through the real concern form. ``BareUser`` is the
second run's: signed in the same way, asking only for the bare-Django page.

Every request is over HTTPS with the Referer a browser sends (Django checks it on HTTPS posts).
Each concern a teacher sends is noted (its id from the page it leads to) in the plan's
``posted`` file, for ``load.py`` to find it stored, routed and audited."""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from html import unescape
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115, PTH123
WAIT = float(os.environ.get("BENCH_LOAD_WAIT", "0"))
PEOPLE = int(os.environ["BENCH_USERS"])
SECONDS = float(os.environ["BENCH_SECONDS"])
# Where the sign-ins' own figures go before the page figures start afresh.
SIGN_IN_FIGURES = os.environ["BENCH_SIGN_IN_FIGURES"]

HIDDEN = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
POSTED = re.compile(r"/safeguarding/mine/([0-9a-f-]{36})/")


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields of a page's forms (the CSRF token, the concern's idempotency key)."""
    found = {}
    for tag in HIDDEN.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            found.setdefault(attributes["name"], unescape(attributes.get("value", "")))
    return found


def totp(hex_key: str, at: float | None = None) -> str:
    """The authenticator app's code (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), as
    django-otp's TOTP device checks it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Start:
    """Signing in is timed on its own (everyone signs in at once, and a password hash is slow
    on purpose): once the last person is in, the sign-in figures are kept aside, the figures
    start afresh, and the run lasts ``BENCH_SECONDS`` from then."""

    signed_in = 0

    @classmethod
    def one_more(cls, environment):
        cls.signed_in += 1
        if cls.signed_in != PEOPLE:
            return
        stats = environment.stats
        figures = {
            name: {
                "count": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.50),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "max": entry.max_response_time,
            }
            for (name, _method), entry in stats.entries.items()
        }
        with open(SIGN_IN_FIGURES, "w") as f:  # noqa: PTH123
            json.dump(figures, f)
        stats.reset_all()
        gevent.spawn_later(SECONDS, environment.runner.quit)


@events.init.add_listener
def _started(environment, **kwargs):
    Start.signed_in = 0


def _accounts(kind):
    return itertools.cycle(PLAN["accounts"][kind])


ACCOUNTS = {kind: _accounts(kind) for kind in PLAN["accounts"]}


class Person(FastHttpUser):
    abstract = True
    wait_time = constant(WAIT)
    kind = ""

    def on_start(self):
        self.account = next(ACCOUNTS[self.kind])
        try:
            self.sign_in()
        finally:
            Start.one_more(self.environment)

    def post_form(self, path: str, fields: dict, name: str):
        return self.client.post(
            path,
            data=urlencode(fields, doseq=True),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.host + path,
            },
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    def sign_in(self):
        account = self.account
        page = self.client.get("/accounts/login/", name="Sign in (page)")
        fields = hidden_inputs(page.text)
        fields.update(username=account["username"], password=PLAN["password"])
        with self.post_form("/accounts/login/", fields, "Sign in") as response:
            target = response.headers.get("Location", "")
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                raise RuntimeError(f"{account['username']} could not sign in")
        if "/accounts/two-factor/verify/" in target:
            verify = self.client.get(target, name="Second factor (page)")
            fields = hidden_inputs(verify.text)
            fields["token"] = totp(account["totp"])
            with self.post_form(target, fields, "Second factor") as response:
                if response.status_code != 302:
                    response.failure(f"the code was refused ({response.status_code})")
                    raise RuntimeError(f"{account['username']}'s code was refused")

    def view(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{path} answered {r.status_code}")

    def browse(self):
        name, path = random.choice(self.account["pages"])  # noqa: S311 - not a secret
        self.view(path, name)


class TeamUser(Person):
    """The DSL, the deputies and the head teacher: one each (their codes are used once)."""

    kind = "team"
    fixed_count = len(PLAN["accounts"].get("team", []))

    @task
    def page(self):
        self.browse()


class TeacherUser(Person):
    kind = "teachers"
    weight = 10

    @task(6)
    def page(self):
        self.browse()

    @task(1)
    def log_concern(self):
        path = "/safeguarding/log/"
        form = self.client.get(path, name="Log a concern (form)")
        fields = hidden_inputs(form.text)
        fields.update(
            {
                "students-TOTAL_FORMS": "1",
                "students-INITIAL_FORMS": "0",
                "students-0-student": self.account["child"],
                "students-0-part": "subject",
                "marks-TOTAL_FORMS": "0",
                "marks-INITIAL_FORMS": "0",
                "category": "neglect",
                "urgency": "routine",
                "account": "Came in hungry again and said there was no food at home.",
                "happened_at": time.strftime("%Y-%m-%dT%H:%M"),
                "location": "Playground",
                "child_told": "told",
            }
        )
        with self.post_form(path, fields, "Log a concern (send)") as response:
            sent = POSTED.search(response.headers.get("Location", ""))
            if response.status_code != 302 or sent is None:
                response.failure(f"the concern was not taken ({response.status_code})")
                return
        with open(PLAN["posted"], "a") as posted:  # noqa: PTH123
            posted.write(sent.group(1) + "\n")


class ParentUser(Person):
    kind = "parents"
    weight = 5

    @task
    def page(self):
        self.browse()


class GovernorUser(Person):
    kind = "governors"
    weight = 2

    @task
    def page(self):
        self.browse()


class BareUser(Person):
    """The second run: a teacher asking for the bare-Django page only."""

    kind = "teachers"

    @task
    def page(self):
        self.view(PLAN["baseline"], "Bare Django page")
