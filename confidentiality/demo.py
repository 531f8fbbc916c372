"""The demo school's people: one account for each kind of person the core knows, with their
roles, as a school in use would have them (the demo's chair appointed, as the Appointments page
would), and the agreement signed by some of those who must sign it.

The core's part of ``seed_demo`` (the ``demo`` app composes it with each app's own demo, which
receives the people made here); idempotent.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from confidentiality import roles
from confidentiality.roles import Role

PEOPLE = [
    # username, first, last, role, job title, phone, room
    (
        "dsl",
        "Dana",
        "Shah",
        Role.DSL,
        "Designated Safeguarding Lead",
        "ext. 201",
        "Room 12, by the library",
    ),
    ("deputy", "Dev", "Okafor", Role.DEPUTY_DSL, "Deputy DSL, Year 5 lead", "ext. 214", "Room 5"),
    ("head", "Helen", "Morris", Role.HEAD_TEACHER, "Head teacher", "ext. 200", "Head's office"),
    ("teacher", "Tom", "Bennett", Role.TEACHER, "Class teacher, 3 Oak", "ext. 231", "Room 3"),
    ("teacher2", "Tara", "Nowak", Role.TEACHER, "Class teacher, 4 Elm", "ext. 232", "Room 4"),
    ("ta", "Amy", "Lewis", Role.TEACHING_ASSISTANT, "Teaching assistant", "", "Room 3"),
    ("office", "Owen", "Price", Role.OFFICE_STAFF, "School business manager", "ext. 100", "Office"),
    ("volunteer", "Vic", "Adams", Role.VOLUNTEER, "Reading volunteer", "", ""),
    (
        "nurse",
        "Nina",
        "Clarke",
        Role.HEALTH_PROFESSIONAL,
        "School nurse",
        "07700 900123",
        "Medical room",
    ),
    ("governor", "Gail", "Foster", Role.GOVERNOR, "Chair of governors", "", ""),
    ("clerk", "Colin", "Reed", Role.CLERK, "Clerk to the governors", "", ""),
    ("governor2", "Grace", "Okoro", Role.GOVERNOR, "Parent governor", "", ""),
    ("governor3", "Glen", "Hughes", Role.GOVERNOR, "Co-opted governor", "", ""),
    ("parent", "Priya", "Patel", Role.PARENT, "", "", ""),
    ("parent2", "Paul", "Walsh", Role.PARENT, "", "", ""),
]


@transaction.atomic
def seed_people(password: str, reset_passwords: bool = False) -> dict:
    """Every person of ``PEOPLE``, by username; new accounts (and, with ``reset_passwords``,
    existing ones) get ``password``."""
    User = get_user_model()
    roles.ensure_groups()
    people = {}
    for username, first, last, role, title, phone, room in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@school.invalid",
                "job_title": title,
                "phone": phone,
                "room": room,
            },
        )
        if created or reset_passwords:
            user.set_password(password)
            # A school in use: everyone has signed in before, so the team and appointments pages
            # offer them (an account nobody has used is never appointed).
            user.last_login = user.last_login or timezone.now() - timedelta(days=7)
            user.save()
        if role == Role.DSL:
            roles.appoint_dsl(user)
        else:
            user.groups.add(roles.group_for(role))
        if username == "governor":  # the demo's chair, appointed as the team page would
            user.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
        people[username] = user
    _sign_agreement(people)
    return people


def _sign_agreement(people):
    """The governors and the clerk have signed; the volunteer and the nurse have not, so the
    demo shows the agreement gate (P11, P16, P25)."""
    from confidentiality.audit import acting_as
    from confidentiality.models import ConfidentialityAgreement

    current = ConfidentialityAgreement.objects.current()
    if current is not None:
        for username in ("governor", "governor2", "governor3", "clerk"):
            with acting_as(people[username]):  # their own acceptance, in the audit trail
                current.accept(people[username])


def _weekday_on_or_after(day, weekday: int):
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day, weekday: int):
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def seed_calendar(today=None) -> None:
    """This school year's three terms (as an English school might set them) and an INSET day
    at the start of the autumn and spring terms; idempotent."""
    from datetime import date

    from confidentiality.models import Closure, Term

    today = today or timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1  # the year the autumn term is in
    monday, wednesday, friday = 0, 2, 4
    terms = [
        (
            f"Autumn term {year}",
            _weekday_on_or_after(date(year, 9, 1), wednesday),
            _weekday_on_or_before(date(year, 12, 20), friday),
        ),
        (
            f"Spring term {year + 1}",
            _weekday_on_or_after(date(year + 1, 1, 4), monday),
            _weekday_on_or_before(date(year + 1, 3, 26), friday),
        ),
        (
            f"Summer term {year + 1}",
            _weekday_on_or_after(date(year + 1, 4, 12), monday),
            _weekday_on_or_before(
                date(year + 1, 7, 21), min(date(year + 1, 7, 21).weekday(), friday)
            ),
        ),
    ]
    for name, first_day, last_day in terms:
        Term.objects.get_or_create(
            name=name, defaults={"first_day": first_day, "last_day": last_day}
        )
    for _, first_day, _ in terms[:2]:
        Closure.objects.get_or_create(
            kind=Closure.Kind.INSET,
            first_day=first_day,
            defaults={"last_day": first_day, "reason": "Staff training"},
        )
