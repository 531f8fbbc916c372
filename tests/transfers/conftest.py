"""Transfer test helpers: a child with a child-protection file (a concern with an attachment, a
referral, an information share, a case meeting), and a second school on its own database."""

import base64
import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
ATTACHMENT = b"%PDF-1.4 a letter from the child's aunt \x00\x01\x02"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def child_with_file(db, teacher, dsl, student_factory):
    """A child whose chronology has a concern (with a body map and an attached letter), a
    referral, an information share and a strategy discussion."""
    from safeguarding import information_sharing, raising
    from safeguarding.models import CaseMeeting, ConcernSubject, InformationShare, Referral

    child = student_factory(first_name="Ada", last_name="Moss", upn="A123456789012")
    concern, _ = raising.raise_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "category": "neglect",
            "urgency": "routine",
            "account": "She said there is no food at home <b>at all</b>.",
            "happened_at": timezone.now() - timedelta(days=20),
            "location": "Lunch hall",
            "child_told": "told",
        },
        [(child, ConcernSubject.Part.SUBJECT)],
        [{"region": "front-left-arm", "note": "Round bruise"}],
    )
    letter = SimpleUploadedFile("letter.pdf", ATTACHMENT)
    letter.detected_type = "application/pdf"
    raising.attach(concern, letter, by=teacher)
    Referral(
        concern=concern,
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
        method=Referral.Method.WRITTEN,
        made_by=dsl,
        made_at=timezone.now() - timedelta(days=15),
        details="MASH referral form sent.",
    ).save()
    share = InformationShare(
        concern=concern,
        student=child,
        shared_on=timezone.localdate() - timedelta(days=10),
        agency="Police",
        recipient="PC Jones",
        what_was_shared="Dates of the disclosures.",
        lawful_basis="6_1_e",
        special_category="9_2_g_sch1_18",
        student_told=True,
        parents_told=True,
    )
    information_sharing.record_share(share, by=dsl)
    meeting = CaseMeeting(
        student=child,
        concern=concern,
        kind=CaseMeeting.Kind.choices[0][0],
        held_at=timezone.now() - timedelta(days=5),
        attendees="DSL, social worker",
        discussion="Plan agreed.",
        decisions="Weekly check-ins.",
        recorded_by=dsl,
    )
    meeting.save()
    return child


def _secrets() -> dict:
    return {
        "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(40)).decode(),
        "FIELD_ENCRYPTION_KEYS": f"b1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
        "BLIND_INDEX_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "AUDIT_CHAIN_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }


class OtherSchool:
    """A second school: this software on its own SQLite database, with its own secrets (so its
    own field keys) and its own transfer keys, driven through ``manage.py`` in a subprocess."""

    name = "Hillside Academy"
    urn = "654321"

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "SCHOOL_"))},
            **_secrets(),
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{folder / 'hillside.sqlite3'}",
            "SCHOOL_NAME": self.name,
            "SCHOOL_URN": self.urn,
            "DJANGO_SETTINGS_MODULE": "confidentiality.settings",
        }

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str):
        """Run ``code`` in the other school's Django and return what it prints, read as JSON."""
        result = self.manage("shell", "-c", code)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def public_keys(self) -> tuple[str, str]:
        out = self.folder / "hillside-keys.json"
        self.manage("transfer_keys", "--out", str(out))
        keys = json.loads(out.read_text())
        return out.read_text(), keys["fingerprint"]


@pytest.fixture(scope="module")
def other_school(tmp_path_factory):
    school = OtherSchool(tmp_path_factory.mktemp("hillside"))
    school.manage("migrate", "-v0")
    return school


@pytest.fixture
def child_with_record(child_with_file, parent, teacher):
    """The child with a child-protection file, whose main record has every part a pupil record
    carries: sections (and a social-services section, which stays out), a parent with parental
    responsibility, a grade, a progress note, a piece of work and a photograph consent."""
    from records.models import (
        Grade,
        ParentLink,
        PhotoConsent,
        ProgressNote,
        RecordSection,
        WorkItem,
    )

    child = child_with_file
    sections = {
        RecordSection.Kind.MEDICAL: ({"allergies": "Peanuts", "medication": "Inhaler"}, ""),
        RecordSection.Kind.SEN: ({"need": "Dyslexia"}, "Reads with a coloured overlay."),
        RecordSection.Kind.FAMILY: ({"address": "1 Mill Lane, Riverton"}, ""),
        RecordSection.Kind.PROTECTED: ({"gender": "Female", "religion": "None"}, ""),
        RecordSection.Kind.SOCIAL_SERVICES: ({"status": "CP plan"}, "Social worker visits."),
    }
    for kind, (details, notes) in sections.items():
        section = RecordSection.objects.get(student=child, kind=kind)
        section.details, section.notes = details, notes
        section.save()
    ParentLink.objects.create(
        parent=parent,
        student=child,
        relationship=ParentLink.Relationship.MOTHER,
        parental_responsibility=True,
        contact_priority=1,
    )
    PhotoConsent.objects.create(student=child, purpose="website", given=True, decided_by=parent)
    Grade.objects.create(
        student=child,
        subject="maths",
        assessment="Autumn test",
        result="27/30",
        comment="Strong on fractions.",
        term="autumn",
        assessed_on=timezone.localdate() - timedelta(days=30),
        recorded_by=teacher,
    )
    ProgressNote.objects.create(
        student=child, subject="english", text="Writes longer stories now.", author=teacher
    )
    WorkItem.objects.create(
        student=child,
        title="Volcano poster",
        subject="science",
        content_type="application/pdf",
        size=9,
        original_name="poster.pdf",
        content=b"%PDF-1.4 ",
        uploaded_by=teacher,
    )
    return child
