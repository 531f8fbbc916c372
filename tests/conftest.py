"""Personas and helpers shared by every test: the people of a small school."""

import os
import uuid
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality import roles
from confidentiality.roles import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IN_MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD = "correct horse battery staple"
DEMO_PASSWORD = "a long demo password 2026"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Throttles (e.g. password-reset requests) count in the cache: each test starts afresh,
    in memory (never the developer's ``var/cache``)."""
    from django.core.cache import cache

    settings.CACHES = IN_MEMORY_CACHE
    cache.clear()
    # The sealing key's id is kept for a few seconds per process: a test whose database was
    # rolled back must not hand the next test an id its database never recorded.
    from confidentiality.crypto.sealing import forget_cached_key

    forget_cached_key()


@pytest.fixture
def any_day_is_a_school_day(monkeypatch):
    """For tests about who is told, not when: the reminders of the periodic checks go out on
    school days only, and these tests must pass on whatever day the suite runs (a weekend, a
    bank holiday). When they go: tests/safeguarding/test_reminders_wait_for_school.py."""
    from safeguarding import school_time

    monkeypatch.setattr(school_time, "is_working_day", lambda day: True)


@pytest.fixture(scope="session")
def _checkpoint_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(autouse=True)
def _audit_checkpoint_in_tmp(settings, _checkpoint_folder):
    """The periodic check writes the audit checkpoint: never into the developer's ``var/``.
    Each test has a file of its own (and so its own ``.last-run`` beside it), in one folder
    for the session: making a temporary folder for each of a thousand tests adds seconds."""
    settings.AUDIT_CHECKPOINT_FILE = _checkpoint_folder / f"{uuid.uuid4().hex}.json"


# --- one demo school for the tests that only read it ---------------------------------------------


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "live_server" in request.fixturenames or (
        marker is not None and bool(marker.kwargs.get("transaction"))
    )


class RolledBack:
    """A transaction (or, inside one, a savepoint) opened before one test and rolled back after
    another: what is written inside is seen by the tests in between, and by nothing after."""

    opened = []  # every one still open, innermost last: they close in that order only

    def __init__(self, blocker):
        self.blocker = blocker
        self.atomic = None

    def open(self, fill):
        """Open it and run ``fill()`` inside (with the database unblocked); if that fails, it is
        rolled back at once. Returns what ``fill`` returns."""
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            RolledBack.opened.append(self)
            try:
                return fill()
            except BaseException:
                self.close()
                raise

    def close(self):
        """Roll it back, with every one opened inside it first."""
        if self.atomic is None:
            return
        while RolledBack.opened and RolledBack.opened[-1] is not self:
            RolledBack.opened[-1].close()
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        RolledBack.opened.pop()
        self.atomic = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None


_shared_school = {}  # the one RolledBack transaction that holds the seeded demo school


@pytest.fixture(scope="session")
def _seeded_demo_school(django_db_setup, django_db_blocker, _checkpoint_folder):
    """``seed_demo`` once for the session, inside a transaction that is never committed.

    Every test that asks for ``demo_school`` runs first (see ``pytest_collection_modifyitems``
    below); the first test that does not ask rolls the school back, so no other test ever sees
    it, and no transactional test starts inside it."""
    test_settings = override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        CACHES=IN_MEMORY_CACHE,
        AUDIT_CHECKPOINT_FILE=_checkpoint_folder / "demo-school.json",
    )
    school = RolledBack(django_db_blocker)
    with test_settings:
        school.open(lambda: call_command("seed_demo", password=DEMO_PASSWORD, verbosity=0))
    _shared_school["school"] = school
    yield school
    school.close()


@pytest.fixture
def demo_school(request, _seeded_demo_school, db):
    """The demo school, seeded once per session (the password of everyone in it is
    ``DEMO_PASSWORD``). Each test runs in its own savepoint (the ``db`` fixture), so what it
    changes is gone before the next test; seeding costs seconds, so tests that read the school
    share it rather than seed their own."""
    if _transactional(request):
        pytest.fail("demo_school is shared inside one transaction: not for transactional tests")
    if not _seeded_demo_school.is_open:
        pytest.fail(
            "the shared demo school was rolled back before this test: the tests that ask for"
            " it run first (pytest_collection_modifyitems)"
        )
    return _seeded_demo_school


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """The first test that does not ask for the shared demo school rolls it back, before any of
    its fixtures (its own database savepoint or transaction) is set up."""
    school = _shared_school.get("school")
    if school is not None and school.is_open and "demo_school" not in item.fixturenames:
        school.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that share the demo school first, one after another (pytest-django has
    already put the database tests before the transactional ones; these are database tests, so
    the order it needs is kept)."""
    items.sort(key=lambda item: "demo_school" not in getattr(item, "fixturenames", ()))


# --- transactional tests ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _let_flush_empty_the_audit_log(request):
    """SQLite's test flush is a DELETE, which the append-only triggers refuse: drop them just
    before a transactional test's flush (post_migrate reinstalls them after). Requesting the
    database fixture here makes this teardown run before the flush."""
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    from confidentiality.audit import triggers

    triggers.uninstall(connection)


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, role=None, **extra):
        user = django_user_model.objects.create_user(
            username=username,
            password=PASSWORD,
            email=f"{username}@school.test",
            first_name=username.title(),
            last_name="Tester",
            **extra,
        )
        if role == Role.DSL:
            roles.appoint_dsl(user)
        elif role:
            user.groups.add(roles.group_for(role))
        return user

    return make


@pytest.fixture
def dsl(make_user):
    return make_user("dsl", Role.DSL)


@pytest.fixture
def deputy(make_user):
    return make_user("deputy", Role.DEPUTY_DSL)


@pytest.fixture
def head(make_user):
    return make_user("head", Role.HEAD_TEACHER)


@pytest.fixture
def teacher(make_user):
    return make_user("teacher", Role.TEACHER)


@pytest.fixture
def other_teacher(make_user):
    return make_user("other_teacher", Role.TEACHER)


@pytest.fixture
def ta(make_user):
    return make_user("ta", Role.TEACHING_ASSISTANT)


@pytest.fixture
def office(make_user):
    return make_user("office", Role.OFFICE_STAFF)


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer", Role.VOLUNTEER)


@pytest.fixture
def nurse(make_user):
    return make_user("nurse", Role.HEALTH_PROFESSIONAL)


@pytest.fixture
def governor(make_user):
    return make_user("governor", Role.GOVERNOR)


@pytest.fixture
def parent(make_user):
    return make_user("parent", Role.PARENT)


@pytest.fixture
def other_parent(make_user):
    return make_user("other_parent", Role.PARENT)


def sign_in(client, user, verified=False, agreed=True):
    """Sign in; with ``verified`` also as if the second factor had just been confirmed.

    People who must sign the confidentiality agreement (P11, P16, P25) are signed in as having
    accepted the current version, unless ``agreed=False`` (tests of the agreement gate)."""
    if agreed and user.must_sign_agreement:
        from confidentiality.models import ConfidentialityAgreement

        current = ConfidentialityAgreement.objects.current()
        if current is not None:
            current.accept(user)
    client.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test app", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def student_factory(db):
    from records.models import Student

    counter = {"n": 0}

    def make(group=None, **fields):
        counter["n"] += 1
        n = counter["n"]
        values = {
            "first_name": f"Child{n}",
            "last_name": "Example",
            "year_group": 3,
            "upn": f"T{n:012d}",
            "date_of_birth": date(2018, 1, 1 + n % 27),
            "nhs_number": f"943 476 {5900 + n}",
        }
        values.update(fields)
        student = Student(**values)
        student.save()
        if group is not None:
            group.students.add(student)
        return student

    return make


@pytest.fixture
def oak(db, teacher):
    from records.models import TeachingGroup

    group = TeachingGroup.objects.create(name="3 Oak", year_group=3)
    group.staff.add(teacher)
    return group


@pytest.fixture
def pupil(student_factory, oak):
    """A child in 3 Oak (taught by ``teacher``) with a medical and a social-services section."""
    from records.models import RecordSection

    child = student_factory(group=oak, first_name="Maya", last_name="Quinn")
    RecordSection(
        student=child,
        kind=RecordSection.Kind.MEDICAL,
        details={
            "allergies": "Peanuts (anaphylaxis)",
            "emergency_steps": "Adrenaline pen, call 999",
            "conditions": "Type 1 diabetes",
        },
    ).save()
    RecordSection(
        student=child,
        kind=RecordSection.Kind.SOCIAL_SERVICES,
        details={"status": "Child protection plan", "social_worker": "J. Harper"},
    ).save()
    return child
