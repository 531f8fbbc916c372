"""The demo school: believable people and records, created idempotently by ``seed_demo``."""

import random
from datetime import date, timedelta

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
    ("parent", "Priya", "Patel", Role.PARENT, "", "", ""),
    ("parent2", "Paul", "Walsh", Role.PARENT, "", "", ""),
]

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Keira",
    "Leo",
    "Maya",
    "Noah",
    "Olivia",
    "Oscar",
    "Poppy",
    "Ravi",
    "Sofia",
    "Theo",
    "Una",
    "Vikram",
    "Willow",
    "Yusuf",
    "Zara",
    "Amir",
    "Bella",
    "Callum",
    "Daisy",
    "Ethan",
]
LAST = [
    "Ahmed",
    "Brown",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lopez",
    "Murphy",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Walsh",
    "Wilson",
    "Young",
    "Zielinski",
]
CLASSES = [
    ("1 Willow", 1),
    ("2 Birch", 2),
    ("3 Oak", 3),
    ("4 Elm", 4),
    ("5 Ash", 5),
    ("6 Cedar", 6),
]


@transaction.atomic
def seed(password: str, reset_passwords: bool = False) -> dict:
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
    _seed_school(people)
    _sign_agreement(people)
    _seed_safeguarding(people)
    return people


def _seed_safeguarding(people):
    """Concerns at every stage, so the DSL's screens are full on first start (issue 5)."""
    from records.models import Student
    from safeguarding.demo import seed_concerns

    seed_concerns(people, list(Student.objects.filter(upn__startswith="A8234").order_by("upn")))


def _sign_agreement(people):
    """The governor and the clerk have signed; the volunteer and the nurse have not, so the
    demo shows the agreement gate (P11, P16, P25)."""
    from confidentiality.models import ConfidentialityAgreement

    current = ConfidentialityAgreement.objects.current()
    if current is not None:
        for username in ("governor", "clerk"):
            current.accept(people[username])


def _seed_school(people):
    from records.models import RecordSection, Student, SupportAssignment, TeachingGroup

    rng = random.Random(2026)
    groups = {}
    for name, year in CLASSES:
        groups[name], _ = TeachingGroup.objects.get_or_create(
            name=name, defaults={"year_group": year}
        )
    groups["3 Oak"].staff.add(people["teacher"], people["ta"])
    groups["4 Elm"].staff.add(people["teacher2"])
    groups["5 Ash"].staff.add(people["deputy"])

    students = []
    for index in range(60):
        name, year = CLASSES[index % len(CLASSES)]
        upn = f"A{823400000000 + index:012d}"
        student = Student.objects.filter(upn=upn).first()
        if student is None:
            student = Student(
                first_name=FIRST[index % len(FIRST)],
                last_name=LAST[(index * 7) % len(LAST)],
                year_group=year,
                upn=upn,
                date_of_birth=date(2026 - 5 - year, rng.randint(1, 12), rng.randint(1, 28)),
                nhs_number=_nhs_number(rng),
            )
            student.save()
        groups[name].students.add(student)
        students.append(student)
        _sections(student, index, rng, RecordSection)

    oak = [s for s in students if s.year_group == 3]
    SupportAssignment.objects.get_or_create(
        staff=people["ta"], student=oak[0], kind=SupportAssignment.Kind.TEACHING_ASSISTANT
    )
    for student in (oak[0], oak[1], students[9]):
        SupportAssignment.objects.get_or_create(
            staff=people["nurse"], student=student, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
        )

    from records.demo import seed_families

    seed_families(people, students)  # parents, learning, consents (P12, P15)


def _nhs_number(rng) -> str:
    return f"{rng.randint(400, 499)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _sections(student, index, rng, RecordSection):
    Kind = RecordSection.Kind
    plans = {
        Kind.PROTECTED: {
            "gender": rng.choice(["Female", "Male"]),
            "ethnicity": rng.choice(
                [
                    "White British",
                    "Asian British – Indian",
                    "Black British – Caribbean",
                    "Mixed",
                    "Polish",
                ]
            ),
            "religion": rng.choice(["None", "Christian", "Muslim", "Hindu", "Sikh"]),
            "disability": "None recorded",
        }
    }
    if index % 3 == 0:
        plans[Kind.MEDICAL] = {
            "allergies": rng.choice(["Peanuts (anaphylaxis)", "Penicillin", "None known", "Eggs"]),
            "emergency_steps": "Adrenaline pen in the medical room; call 999, then parents.",
            "conditions": rng.choice(["Asthma", "Type 1 diabetes", "Eczema", "Epilepsy"]),
            "medication": rng.choice(["Salbutamol inhaler", "Insulin at lunch", "None in school"]),
            "care_plan": "Individual healthcare plan reviewed each September.",
        }
    if index % 5 == 0:
        plans[Kind.SEN] = {
            "need": rng.choice(["Dyslexia", "Speech and language", "Autism (ASC)"]),
            "support": "Small-group phonics three times a week; visual timetable.",
        }
    if index % 11 == 0:
        plans[Kind.FAMILY] = {
            "circumstances": "Parents separated; lives with mother in the week.",
            "contact": "Father collects on alternate Fridays (court order on file).",
        }
    if index % 17 == 0:
        plans[Kind.SOCIAL_SERVICES] = {
            "status": "Child in need",
            "social_worker": "J. Harper",
            "local_authority": "Riverside County Council",
        }
    for kind, details in plans.items():
        if not RecordSection.objects.filter(student=student, kind=kind).exists():
            RecordSection(student=student, kind=kind, details=details).save()
