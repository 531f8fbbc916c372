"""The rehearsal school's people: staff in every role, pupils (on roll and former), their parents
and carers linked as the records app links families, and the classes with their pupils and
staff. Grants follow from these relationships through the records app's own
``grants.sync_students``, exactly as when the MIS import or a page changes them.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from confidentiality import roles
from confidentiality.roles import Role
from records import grants as record_grants
from records.demo import CARER_FIRST, FIRST, LAST
from records.models import ParentLink, Student, TeachingGroup

from . import copy
from .history import History, created

# How 800 staff divide among the roles (the DSL and the head teacher are the demo's own).
STAFF_MIX = [
    (Role.TEACHER, 0.66, "Class teacher"),
    (Role.TEACHING_ASSISTANT, 0.2, "Teaching assistant"),
    (Role.OFFICE_STAFF, 0.05, "Office"),
    (Role.VOLUNTEER, 0.03, "Volunteer"),
    (Role.HEALTH_PROFESSIONAL, 0.0125, "School nurse"),
    (Role.DEPUTY_DSL, 0.0075, "Deputy DSL"),
    (Role.GOVERNOR, 0.0225, "Governor"),
    (Role.CLERK, 0.00125, "Clerk to the governors"),
]
CLASS_NAMES = ["Oak", "Ash", "Elm", "Yew", "Fir", "Bay", "Lime", "Pine", "Rowan", "Hazel"]
YEARS = range(1, 14)
FORM_SIZE = 30
RELATIONSHIPS = [ParentLink.Relationship.MOTHER, ParentLink.Relationship.FATHER]


@dataclass
class People:
    """What later stages need to know about the people seeded (keys and a few names only)."""

    named: dict
    staff_by_role: dict = field(default_factory=dict)
    students: list = field(default_factory=list)  # Student instances (no sealed values kept)
    on_roll: list = field(default_factory=list)
    teachers_of: dict = field(default_factory=dict)  # student pk -> [teacher User]
    long_chronology_child: object = None


def _staff_counts(total: int) -> list[tuple]:
    counts = [
        (role, max(1 if role in (Role.TEACHER,) else 0, round(total * share)), title)
        for role, share, title in STAFF_MIX
    ]
    counts = [(role, n, title) for role, n, title in counts if n]
    missing = total - sum(n for _, n, _ in counts)
    role, n, title = counts[0]
    counts[0] = (role, n + missing, title)
    return counts


def _users(scale, letter: str, start, hashed: str, rng, kinds: list[tuple]):
    """User instances, keys reserved, for [(role, count, title, prefix)]."""
    User = get_user_model()
    total = sum(count for _, count, _, _ in kinds)
    ids = iter(copy.reserve_ids(User, total))
    numbers: dict = {}
    for role, count, title, prefix in kinds:
        for _ in range(count):
            n = numbers[prefix] = numbers.get(prefix, 0) + 1
            pk = next(ids)
            names = CARER_FIRST if role == Role.PARENT else FIRST
            first = names[rng.randrange(len(names))]
            last = LAST[rng.randrange(len(LAST))]
            username = f"{prefix}{letter.lower()}{n:05d}"
            yield (
                role,
                User(
                    pk=pk,
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@school.invalid",
                    password=hashed,
                    is_active=True,
                    date_joined=start,
                    last_login=start + timedelta(days=rng.randrange(1, 300)),
                    job_title="" if role == Role.PARENT else title,
                ),
            )


def seed_people(scale, named: dict, timeline, history: History, password: str, log) -> People:
    """Staff, pupils, parents, links and classes; then their grants."""
    rng = timeline.rng
    letter = scale.upn_letter
    start = timeline.start
    people = People(named=named)
    # One hash for every seeded account: the same password as the demo's people, without
    # paying for a key derivation 60,000 times.
    hashed = make_password(password)
    roles.ensure_groups()
    group_ids = {role: roles.group_for(role).pk for role in Role}
    User = get_user_model()
    spill = history.spill()
    importer = named["office"]

    # --- staff and parents: accounts, then their roles -------------------------------------
    kinds = [(role, n, title, "staff") for role, n, title in _staff_counts(scale.staff)]
    kinds.append((Role.PARENT, scale.parents, "", "parent"))
    accounts, memberships = [], []
    moments = timeline.moments(scale.staff + scale.parents, start, start + timedelta(days=1))
    for (role, user), when in zip(
        _users(scale, letter, start, hashed, rng, kinds), moments, strict=True
    ):
        user.date_joined = when
        accounts.append(user)
        memberships.append((user.pk, group_ids[role]))
        if role != Role.PARENT:
            people.staff_by_role.setdefault(role, []).append(user)
        # Accounts are not in the change log (the application writes none for them either).
    copy.write(User, accounts)
    copy.write_pairs(User.groups.through, ("user_id", "group_id"), memberships)
    log(f"{len(accounts)} accounts ({scale.staff} staff, {scale.parents} parents and carers)")

    # --- pupils ---------------------------------------------------------------------------
    students = []
    moments = timeline.moments(scale.students, start + timedelta(days=1), start + timedelta(days=2))
    for n, when in zip(range(scale.students), moments, strict=True):
        year = YEARS[n % len(YEARS)]
        student = Student(
            pk=uuid.uuid4(),
            first_name=FIRST[rng.randrange(len(FIRST))],
            last_name=LAST[rng.randrange(len(LAST))],
            year_group=year,
            upn=f"{letter}9{n:011d}",
            date_of_birth=date(2026 - 5 - year, 1 + n % 12, 1 + n % 28),
            nhs_number=f"9{rng.randrange(10**9):09d}",
            created_at=when,
            updated_at=when,
        )
        students.append(student)
    copy.write(Student, students)
    # After the write: saving computes the blind index, which the creation entry shows.
    for student in students:
        spill.add(created(student, student.created_at, importer))
    # Only what later stages need: a key and a name (no plaintext of sealed values).
    people.students = [
        Student(pk=s.pk, first_name=s.first_name, last_name=s.last_name, year_group=s.year_group)
        for s in students
    ]
    del students
    people.on_roll = people.students[: scale.on_roll]
    log(f"{scale.students} pupils ({scale.on_roll} on roll, {scale.former_students} former)")

    # --- families: two parents or carers each ---------------------------------------------
    parents = [u for u in accounts if u.username.startswith("parent")]
    del accounts

    def links():
        moments = timeline.moments(
            len(parents), start + timedelta(days=2), start + timedelta(days=3)
        )
        for n, (parent, when) in enumerate(zip(parents, moments, strict=True)):
            student = people.students[(n // 2) % len(people.students)]
            link = ParentLink(
                pk=uuid.uuid4(),
                parent=parent,
                student=student,
                relationship=RELATIONSHIPS[n % 2],
                parental_responsibility=True,
                contact_priority=1 + n % 2,
                responsibility_from=when,
                created_at=when,
                updated_at=when,
            )
            spill.add(created(link, when, importer))
            yield link

    written = copy.write(ParentLink, links())
    log(f"{written} links between pupils and their parents and carers")

    # --- classes: a form of 30 for every pupil on roll, the rest sets of the same year ----
    teachers = people.staff_by_role.get(Role.TEACHER, [])
    by_year: dict = {}
    for student in people.on_roll:
        by_year.setdefault(student.year_group, []).append(student)
    forms = [
        group[i : i + FORM_SIZE]
        for group in by_year.values()
        for i in range(0, len(group), FORM_SIZE)
    ]
    if len(forms) > scale.classes:
        # Too few classes for a form per year (a small school): mixed-age classes, as a
        # village school has them, so every pupil on roll is still in one.
        pupils = sorted(people.on_roll, key=lambda s: s.year_group)
        size = -(-len(pupils) // scale.classes)
        forms = [pupils[i : i + size] for i in range(0, len(pupils), size)]
    groups = []
    for n in range(scale.classes):
        # Beyond the forms, sets: the 30 of a form again, taught by another teacher.
        pupils = forms[n % len(forms)] if forms else []
        year = pupils[0].year_group if pupils else 1
        name = f"{year}{letter} {CLASS_NAMES[n % len(CLASS_NAMES)]} {n + 1}"
        if n >= len(forms):
            name += " set"
        staff = [teachers[n % len(teachers)]] if teachers else []
        if n == 0:  # the demo's class teacher teaches a full class too
            staff.append(named["teacher"])
            pupils = pupils[:FORM_SIZE]
        groups.append((name, year, pupils, staff))
    group_ids = copy.reserve_ids(TeachingGroup, len(groups))
    objects = []
    moments = timeline.moments(len(groups), start + timedelta(days=3), start + timedelta(days=4))
    for pk, (name, year, _pupils, _staff), when in zip(group_ids, groups, moments, strict=True):
        group = TeachingGroup(pk=pk, name=name, year_group=year)
        objects.append(group)
        spill.add(created(group, when, importer))
    copy.write(TeachingGroup, objects)
    copy.write_pairs(
        TeachingGroup.students.through,
        ("teachinggroup_id", "student_id"),
        (
            (pk, s.pk)
            for pk, (_, _, pupils, _) in zip(group_ids, groups, strict=True)
            for s in pupils
        ),
    )
    copy.write_pairs(
        TeachingGroup.staff.through,
        ("teachinggroup_id", "user_id"),
        ((pk, u.pk) for pk, (_, _, _, staff) in zip(group_ids, groups, strict=True) for u in staff),
    )
    for _, _, pupils, staff in groups:
        for s in pupils:
            people.teachers_of.setdefault(s.pk, []).extend(staff)
    spill.flush()
    log(f"{len(groups)} classes")

    # --- grants, by the records app's own function, a thousand pupils at a time -------------
    granted = 0
    keys = [s.pk for s in people.students]
    for i in range(0, len(keys), 1_000):
        granted += record_grants.sync_students(keys[i : i + 1_000])[0]
    log(f"{granted} grants on pupils' records (records.grants.sync_students)")
    return people
