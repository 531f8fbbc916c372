"""The demo school's families and learning: parents linked to their children, grades, progress
notes, a few pieces of work, photograph consents and the family requests staff answer.

Called from ``confidentiality.demo`` after the students exist; idempotent like the rest of
``seed_demo``. ``parent`` (Priya Patel) and ``parent2`` (Paul Walsh) can sign in; each has a child
in 3 Oak (taught by ``teacher``) and another child elsewhere. Every other family's parent is an
account without a password (a family not yet invited to the portal).
"""

import random
import struct
import zlib
from datetime import date

from django.contrib.auth import get_user_model

from confidentiality import roles
from confidentiality.roles import Role

from .models import (
    DiscussionPermission,
    FamilyNotice,
    Grade,
    MeetingRequest,
    ParentLink,
    PhotoConsent,
    PhotoPurpose,
    ProgressNote,
    TalkRequest,
    WorkItem,
)

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
        _consents(student, rng)
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
    if not walsh_child.meeting_requests.exists():
        meeting = MeetingRequest(
            student=walsh_child,
            requested_by=people["parent2"],
            topic="Homework worries",
            preferred_times="Any day after 3.15pm",
            details="Spellings have been causing tears at home.",
        )
        meeting.save()
        meeting.answer(
            by=teacher,
            status=MeetingRequest.Status.ARRANGED,
            reply="Thursday 3.30pm in Room 3 suits me. See you then.",
        )
        MeetingRequest(
            student=walsh_child,
            requested_by=people["parent2"],
            topic="Swimming lessons",
            preferred_times="Monday morning drop-off",
        ).save()


def _talk_request_example(people, student) -> None:
    """P7: a pupil in 3 Oak asked their teacher if they could talk to the TA; still open."""
    if not student.talk_requests.exists():
        TalkRequest.record(
            student=student,
            by=people["teacher"],
            wants_to_talk_to=people["ta"],
            about="Said it was about friends at playtime and that it could wait until tomorrow.",
        )
