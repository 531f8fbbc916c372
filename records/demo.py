"""The records app's part of the demo school: classes and students with the sections of their
records, then the families and learning: parents linked to their children, grades, progress
notes, a few pieces of work, photograph consents and the family requests staff answer.

``seed_school`` is called by ``seed_demo`` (the ``demo`` app) with the core's demo people;
idempotent like the rest of it. ``parent`` (Priya Patel) and ``parent2`` (Paul Walsh) can sign
in; each has a child in 3 Oak (taught by ``teacher``) and another child elsewhere. Every other
family's parent is an account without a password (a family not yet invited to the portal).
"""

import random
import struct
import zlib
from datetime import date

from django.contrib.auth import get_user_model

from confidentiality import roles
from confidentiality.audit import acting_as
from confidentiality.roles import Role

from .lesson_guidance import add_school_topics
from .models import (
    DiscussionPermission,
    FamilyNotice,
    Grade,
    Lesson,
    MeetingRequest,
    ParentLink,
    PhotoConsent,
    PhotoPurpose,
    ProgressNote,
    RecordSection,
    SensitiveTopic,
    Student,
    SupportAssignment,
    TalkRequest,
    TeachingGroup,
    WorkItem,
)

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
# The girls' names among FIRST: a child's recorded gender follows their name, so that the demo
# never reads "Ben ... she".
GIRLS = frozenset(
    {
        "Aisha",
        "Chloe",
        "Ella",
        "Grace",
        "Isla",
        "Keira",
        "Maya",
        "Olivia",
        "Poppy",
        "Sofia",
        "Una",
        "Willow",
        "Zara",
        "Bella",
        "Daisy",
    }
)
CLASSES = [
    ("1 Willow", 1),
    ("2 Birch", 2),
    ("3 Oak", 3),
    ("4 Elm", 4),
    ("5 Ash", 5),
    ("6 Cedar", 6),
]


CARER_FIRST = ["Sam", "Alex", "Jo", "Chris", "Nadia", "Imran", "Claire", "Marek", "Fatima", "Lee"]
RESULTS = ["Working towards", "Expected", "Expected", "Greater depth"]
ASSESSMENTS = [
    ("maths", "Autumn arithmetic test", "autumn", date(2026, 11, 12)),
    ("english", "Autumn reading assessment", "autumn", date(2026, 11, 19)),
    ("science", "Forces and magnets topic test", "autumn", date(2026, 11, 26)),
]
NOTES = {
    "english": "{name} reads with growing confidence and enjoys the class novel.",
    "maths": "{name} is secure with number bonds to 20; next step: the 4 times table.",
    "science": "{name} asks thoughtful questions and records results neatly.",
}


def seed_school(people: dict) -> list:
    """The classes and their staff, 60 students in roll order, each with the sections of their
    record, the support staff assigned, and then each family and learning record
    (``seed_families``). ``people``: the core's demo people, by username. Returns the students,
    for the apps seeded after this one. Each step is done ``acting_as`` whoever would have done
    it (the office enters classes and children; teachers, grades and work; parents, consents),
    so the audit trail names them."""
    with acting_as(people["office"]):
        return _seed_school(people)


def _seed_school(people: dict) -> list:
    rng = random.Random(2026)  # noqa: S311 - demo data, not a secret
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
        _sections(student, index, rng)

    oak = [s for s in students if s.year_group == 3]
    SupportAssignment.objects.get_or_create(
        staff=people["ta"], student=oak[0], kind=SupportAssignment.Kind.TEACHING_ASSISTANT
    )
    for student in (oak[0], oak[1], students[9]):
        SupportAssignment.objects.get_or_create(
            staff=people["nurse"], student=student, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
        )

    seed_families(people, students)  # parents, learning, consents (P12, P15)
    _lessons(people, groups)
    return students


def _nhs_number(rng) -> str:
    return f"{rng.randint(400, 499)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


_STREETS = ("Mill Lane", "Church Road", "Station Street", "Orchard Close", "Victoria Terrace")


def _address(rng) -> str:
    street = rng.choice(_STREETS)
    return f"{rng.randint(1, 120)} {street}, Riverside RV{rng.randint(1, 9)} {rng.randint(1, 9)}AB"


PRONOUNS = {
    "Female": {"he": "she", "him": "her", "his": "her"},
    "Male": {"he": "he", "him": "him", "his": "his"},
}
THEY = {"he": "they", "him": "them", "his": "their"}


def gender_of(student) -> str:
    """The gender on the child's record (the protected-characteristics section), or ""."""
    section = student.sections.filter(kind=RecordSection.Kind.PROTECTED).first()
    return (section.details or {}).get("gender", "") if section else ""


def pronouns(student) -> dict:
    """The words for a demo narrative about ``student``, from their record: ``{he}``, ``{him}``,
    ``{his}``, capitalised as ``{He}``, ``{Him}``, ``{His}``, and their ``{name}``. A narrative
    is written with these, never with a pronoun of its own, so it always agrees with the record.
    """
    words = PRONOUNS.get(gender_of(student), THEY)
    return {
        **words,
        **{key.capitalize(): value.capitalize() for key, value in words.items()},
        "name": student.preferred_name or student.first_name,
    }


def _sections(student, index, rng):
    Kind = RecordSection.Kind
    rng.choice(["Female", "Male"])  # the draw that once chose it: the other dice stay the same
    plans = {
        Kind.PROTECTED: {
            "gender": "Female" if student.first_name in GIRLS else "Male",
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
    # Every child has a home address (family detail); a few have more to say.
    plans[Kind.FAMILY] = {"address": _address(rng)}
    if index % 11 == 0:
        plans[Kind.FAMILY] |= {
            "circumstances": "Parents separated; lives with mother in the week.",
            "contact": "Father collects on alternate Fridays (court order on file).",
        }
    if index % 17 == 0:
        plans[Kind.SOCIAL_SERVICES] = {
            "status": "Child in need",
            "social_worker": "J. Harper",
            "local_authority": "Riverside County Council",
        }
    # Every child has every section from the start (empty); fill in those still empty.
    sections = {section.kind: section for section in student.sections.all()}
    for kind, details in plans.items():
        section = sections.get(kind) or RecordSection(student=student, kind=kind)
        if not section.has_content:
            section.details = details
            section.save()


def seed_families(people: dict, students: list) -> None:
    rng = random.Random(2027)  # noqa: S311 - demo data, not a secret

    def year(n):
        return [s for s in students if s.year_group == n]

    oak = year(3)
    # parent: a child in 3 Oak and one in Year 5; parent2: a child in 3 Oak and one in Year 1.
    families = {
        people["parent"]: [(oak[1], "mother"), (year(5)[0], "mother")],
        people["parent2"]: [(oak[2], "father"), (year(1)[1], "father")],
    }
    linked = {s.pk for children in families.values() for s, _ in children}
    for student in students:
        if student.pk not in linked:
            families.setdefault(_family_parent(student, rng), []).append((student, "carer"))
    for user, children in families.items():
        for student, relationship in children:
            ParentLink.objects.get_or_create(
                parent=user,
                student=student,
                defaults={"relationship": relationship, "parental_responsibility": True},
            )
    for student in students:
        _learning(student, people["teacher"], rng)
        # Each child's own dice: which consents exist must not depend on how much of the school
        # was already there (a second run creates nothing, so draws fewer numbers above).
        _consents(student, random.Random(f"consents of {student.upn}"))  # noqa: S311
    _portal_examples(people, oak[1], oak[2])
    _talk_request_example(people, oak[2])


def _family_parent(student, rng):
    """A parent account for a family not yet invited to the portal (no password)."""
    User = get_user_model()
    username = f"family.{student.upn.lower()}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": rng.choice(CARER_FIRST),
            "last_name": student.last_name,
            "email": f"{username}@families.invalid",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(roles.group_for(Role.PARENT))
    return user


def _learning(student, teacher, rng) -> None:
    with acting_as(teacher):
        _grades_and_notes(student, teacher, rng)


def _grades_and_notes(student, teacher, rng) -> None:
    if not student.grades.exists():
        for subject, assessment, term, when in ASSESSMENTS:
            Grade(
                student=student,
                subject=subject,
                assessment=assessment,
                result=rng.choice(RESULTS),
                term=term,
                assessed_on=when,
                recorded_by=teacher,
            ).save()
    if not student.progress_notes.exists():
        subject = rng.choice(sorted(NOTES))
        ProgressNote(
            student=student,
            subject=subject,
            text=NOTES[subject].format(name=student.preferred_name or student.first_name),
            written_on=date(2026, 11, 27),
            author=teacher,
        ).save()


def _consents(student, rng) -> None:
    """Most families agree to displays and the website; fewer to social media and the press;
    a few have withdrawn, and some never answered (no answer is no consent)."""
    parent_link = student.parent_links.first()
    if parent_link is not None:
        with acting_as(parent_link.parent):  # the family answered
            _answer_consents(student, parent_link, rng)
    else:
        _answer_consents(student, parent_link, rng)


def _answer_consents(student, parent_link, rng) -> None:
    chance = {"displays": 0.95, "website": 0.8, "social_media": 0.55, "press": 0.5}
    for purpose in PhotoPurpose:
        roll = rng.random()
        if roll > 0.9 and purpose == PhotoPurpose.EXTERNAL_EVENTS:
            continue
        PhotoConsent.objects.get_or_create(
            student=student,
            purpose=purpose,
            defaults={
                "given": roll < chance.get(purpose.value, 0.7),
                "decided_by": parent_link.parent if parent_link else None,
            },
        )


def tiny_png() -> bytes:
    """A valid 1×1 PNG, generated (the demo ships no binary files)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\x2e\x7d\x32")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a line of text, generated."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _portal_examples(people, patel_child, walsh_child) -> None:
    """What makes the portal worth opening in the demo: work, a message, a permission request
    and a meeting request with a reply."""
    with acting_as(people["teacher"]):
        _teacher_shares(people, patel_child, walsh_child)
    _meeting_requests(people, walsh_child)


def _teacher_shares(people, patel_child, walsh_child) -> None:
    teacher = people["teacher"]
    for student, title, subject, data, name in (
        (patel_child, "Volcano diagram", "science", tiny_png(), "volcano.png"),
        (patel_child, "Story: The Lost Kite", "english", tiny_pdf("The Lost Kite"), "story.pdf"),
        (walsh_child, "Times-tables practice", "maths", tiny_pdf("Times tables"), "tables.pdf"),
    ):
        if not WorkItem.objects.filter(student=student, title=title).exists():
            WorkItem.from_upload(
                student=student, title=title, subject=subject, data=data, name=name, by=teacher
            ).save()
    if not patel_child.notices.exists():
        FamilyNotice(
            student=patel_child,
            title="Trip to the Science Museum",
            body="Our class trip is on 14 January. Please send a packed lunch.",
            sent_by=teacher,
        ).save()
    group = patel_child.teaching_groups.first()
    if not patel_child.discussion_permissions.exists() and group is not None:
        DiscussionPermission(
            student=patel_child,
            teaching_group=group,
            topic=f"{patel_child.first_name}'s new hearing aids: we would explain to the class "
            "how they help and how everyone can make sure they can hear in lessons.",
            requested_by=teacher,
        ).save()


def _meeting_requests(people, walsh_child) -> None:
    if walsh_child.meeting_requests.exists():
        return
    parent, teacher = people["parent2"], people["teacher"]
    with acting_as(parent):
        meeting = MeetingRequest(
            student=walsh_child,
            requested_by=parent,
            topic="Homework worries",
            preferred_times="Any day after 3.15pm",
            details="Spellings have been causing tears at home.",
        )
        meeting.save()
    with acting_as(teacher):
        meeting.answer(
            by=teacher,
            status=MeetingRequest.Status.ARRANGED,
            reply="Thursday 3.30pm in Room 3 suits me. See you then.",
        )
    with acting_as(parent):
        MeetingRequest(
            student=walsh_child,
            requested_by=parent,
            topic="Swimming lessons",
            preferred_times="Monday morning drop-off",
        ).save()


def _talk_request_example(people, student) -> None:
    """P7: a pupil in 3 Oak asked their teacher if they could talk to the TA; still open."""
    if student.talk_requests.exists():
        return
    with acting_as(people["teacher"]):
        TalkRequest.record(
            student=student,
            by=people["teacher"],
            wants_to_talk_to=people["ta"],
            about="Said it was about friends at playtime and that it could wait until tomorrow.",
        )


def _lessons(people, groups) -> None:
    """P19: 3 Oak's teacher recorded a PSHE lesson on a sensitive topic, and an ordinary one."""
    add_school_topics(SensitiveTopic)  # the migration's list, if a test emptied the table
    oak = groups["3 Oak"]
    lessons = (
        (
            date(2026, 11, 16),
            "pshe",
            "Feelings when someone dies",
            "Bereavement and loss",
            "Read “Badger's Parting Gifts” and talked about how the animals remembered Badger. "
            "Ground rules agreed first; two pupils chose to pass. The questions box had four "
            "questions to answer next week.",
        ),
        (
            date(2026, 11, 18),
            "science",
            "Living things and their habitats",
            None,
            "Sorted animals by habitat; the class will visit the pond next Thursday.",
        ),
    )
    with acting_as(people["teacher"]):
        for taught_on, subject, title, topic, notes in lessons:
            if oak.lessons.filter(title=title).exists():
                continue
            Lesson.objects.create(
                group=oak,
                taught_on=taught_on,
                subject=subject,
                title=title,
                topic=SensitiveTopic.objects.get(name=topic) if topic else None,
                notes=notes,
                recorded_by=people["teacher"],
            )
