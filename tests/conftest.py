"""Personas and helpers shared by every test: the people of a small school."""

import os
from datetime import date

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality import roles
from confidentiality.roles import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Throttles (e.g. password-reset requests) count in the cache: each test starts afresh,
    in memory (never the developer's ``var/cache``)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture(autouse=True)
def _audit_checkpoint_in_tmp(settings, tmp_path):
    """The periodic check writes the audit checkpoint: never into the developer's ``var/``."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoint.json"


@pytest.fixture(autouse=True)
def _let_flush_empty_the_audit_log(request):
    """SQLite's test flush is a DELETE, which the append-only triggers refuse: drop them just
    before a transactional test's flush (post_migrate reinstalls them after). Requesting the
    database fixture here makes this teardown run before the flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
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
