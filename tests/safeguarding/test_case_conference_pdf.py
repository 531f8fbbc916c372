"""The chronology as a PDF for a child protection case conference (issue 11): a cover with who the
child is, their family, the adults and agencies involved and their statuses; the chronology with
the team's notes, meetings and decisions not to refer, each with its reference; the body maps
drawn with a numbered key; CONFIDENTIAL, "Page N of M" and who generated it on every page; only
the kinds of entry the DSL chose; no internal policy codes. The safeguarding team's alone, each
export one blind audit entry.

The PDF's text is read back with a real PDF reader (pypdf), as a person's reader would find it."""

import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from confidentiality.audit import subject_key
from confidentiality.roles import Role
from records.models import ParentLink, RecordSection
from safeguarding import body_map, chronology, chronology_pdf
from safeguarding.models import (
    CaseMeeting,
    CaseNote,
    DecisionNotToRefer,
    KeyContact,
    Referral,
    SafeguardingStatus,
)
from tests.conftest import sign_in

from .conftest import signed

ACCOUNT = "She said nobody was at home all weekend."
NOTE = "Phoned mum: she was working nights and left her with a neighbour."
DECISION = "Mum has arranged childcare with her sister; we will monitor."
MEETING_DECISIONS = "Section 47 enquiry; joint visit tomorrow."
CODE = re.compile(r"\bP\d+\b")


# --- reading the PDF back ----------------------------------------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace made single."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def drawn_in_bold(data: bytes) -> list[str]:
    """Every piece of text drawn in the bold face, page by page (the body maps' numbers)."""
    found = []

    def seen(text, cm, tm, font, size):
        if font and "Bold" in str(font.get("/BaseFont", "")) and text.strip():
            found.append(text.strip())

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=seen)
    return found


def pdf_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- a child with a whole file -----------------------------------------------------------------


def url(student):
    return f"/safeguarding/children/{student.pk}/chronology/pdf/"


def days_ago(n):
    return timezone.now() - timedelta(days=n)


@pytest.fixture
def family(make_user, student_factory, pupil):
    """Maya's mother (with her telephone) and her brother Sam at the school, linked to her."""
    mum = make_user("mum", Role.PARENT, phone="07700 900123")
    mum.first_name, mum.last_name = "Jo", "Quinn"
    mum.save()
    ParentLink(student=pupil, parent=mum, relationship="mother").save()
    brother = student_factory(first_name="Sam", last_name="Quinn", year_group=5)
    ParentLink(student=brother, parent=mum, relationship="mother").save()
    RecordSection(
        student=pupil, kind=RecordSection.Kind.PROTECTED, details={"gender": "Female"}
    ).save()
    RecordSection(
        student=pupil, kind=RecordSection.Kind.FAMILY, details={"address": "12 Mill Lane, RV1 2AB"}
    ).save()
    return mum, brother


@pytest.fixture
def file(raise_concern, teacher, dsl, pupil, family):
    """A concern with a body map, the team's note on it, a strategy discussion, a decision not to
    refer, a referral awaiting its outcome, a child protection plan, a social worker and an
    Operation Encompass notification."""
    concern = raise_concern(
        teacher, [pupil], account=ACCOUNT, category="neglect", happened_at=days_ago(20)
    )
    concern.body_map = [
        {"region": "front-left-arm", "note": "Round bruise, 3 cm"},
        {"region": "back-upper-back", "note": "Two parallel red marks"},
        {"region": "front-left-arm", "note": "Small graze near the wrist"},
    ]
    concern.save()
    CaseNote(concern=concern, author=dsl, text=NOTE).save()
    meeting = CaseMeeting(
        student=pupil,
        concern=concern,
        kind=CaseMeeting.Kind.STRATEGY,
        held_at=days_ago(15),
        attendees="Sam Hill (social worker); Dana Shah (DSL)",
        discussion="Threshold for section 47 met.",
        decisions=MEETING_DECISIONS,
        recorded_by=dsl,
    )
    meeting.save()
    DecisionNotToRefer(
        concern=concern,
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
        decided_on=timezone.localdate() - timedelta(days=18),
        reasoning=DECISION,
        decided_by=dsl,
    ).save()
    Referral(
        concern=concern,
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
        method=Referral.Method.WRITTEN,
        made_by=dsl,
        made_at=days_ago(12),
        details="MASH referral form sent.",
    ).save()
    SafeguardingStatus.objects.create(
        student=pupil,
        kind="cp_plan",
        plan_category="neglect",
        started_on=timezone.localdate() - timedelta(days=10),
        recorded_by=dsl,
    )
    SafeguardingStatus.objects.create(
        student=pupil,
        kind="encompass",
        started_on=timezone.localdate() - timedelta(days=5),
        recorded_by=dsl,
    )
    KeyContact(
        student=pupil,
        role="social_worker",
        name="Priya Nair",
        organisation="Northshire Children's Services",
        phone="01632 960123",
        recorded_by=dsl,
    ).save()
    return concern, meeting


def _day(moment):
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def export(client, user, student, **query):
    sign_in(client, user, verified=True)
    response = client.get(url(student), query)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return pdf_pages(pdf_of(response))


def exports(student):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__subject=subject_key(student, blind=True)
    )


# --- the cover ---------------------------------------------------------------------------------


def test_the_cover_says_who_the_child_is_their_family_who_is_involved_and_their_statuses(
    client, dsl, pupil, file, family
):
    pages = export(client, dsl, pupil)
    cover = pages[0]
    assert pages[1].startswith("Chronology, oldest first")  # the cover is one page
    born = pupil.date_of_birth
    assert "Maya Quinn" in cover and pupil.upn in cover and "Year 3" in cover
    assert f"{born.day} {born:%b %Y}" in cover  # the date of birth, decrypted
    assert "Address 12 Mill Lane, RV1 2AB" in cover  # from the family's circumstances
    assert "Gender Female" in cover
    # The family: the mother and how to reach her, the brother at the school through her.
    assert "Jo Quinn" in cover and "07700 900123" in cover and "mum@school.test" in cover
    assert "Sam Quinn" in cover and "Year 5" in cover
    # The adults and agencies involved.
    assert "Priya Nair" in cover and "Northshire Children's Services" in cover
    assert "01632 960123" in cover
    # The statuses: the plan with its category, the notification, none of the others.
    assert "Child protection plan Yes, since" in cover and "category: neglect" in cover
    assert "Operation Encompass notifications 1:" in cover
    assert "None recorded Child in need, Looked-after child, Early help," in cover
    assert f"Referral to children's social care Made {_day(days_ago(12))}, awaiting" in cover
    # The school, who generated it and when.
    assert settings.SCHOOL_NAME in cover
    assert f"Generated by {dsl.get_full_name()}" in cover
    assert f"{timezone.localdate():%b %Y}" in cover
    # What the export holds.
    assert "Kinds of entry included All kinds:" in cover
    assert "Dates All dates" in cover
    assert "1 concern with a body map" in cover


def test_the_cover_states_the_kinds_and_dates_chosen(client, dsl, pupil, file):
    since = timezone.localdate() - timedelta(days=16)
    cover = export(client, dsl, pupil, kind=["note", "case_meeting"], since=since.isoformat())[0]
    assert "Kinds of entry included Notes, Strategy discussions, conferences and meetings" in cover
    assert "Kinds left out Concerns, Requests for advice, Actions," in cover
    assert f"Dates From {since.day} {since:%b %Y} to the day it was generated" in cover


# --- the chronology ----------------------------------------------------------------------------


def test_notes_meetings_and_decisions_not_to_refer_are_in_the_chronology(pupil, file):
    concern, meeting = file
    kinds = {e.kind for e in chronology.entries_for(pupil)}
    assert {"concern", "note", "case_meeting", "decision", "status"} <= kinds


def test_the_pdf_holds_every_kind_each_with_its_reference(client, dsl, pupil, file):
    concern, meeting = file
    text = " ".join(export(client, dsl, pupil))
    assert ACCOUNT in text
    assert NOTE in text
    assert "Strategy discussion" in text and MEETING_DECISIONS in text
    assert "Decision not to refer to children's social care" in text and DECISION in text
    assert f"Ref. {concern.reference}" in text
    assert f"Ref. {meeting.reference} (concern {concern.reference})" in text
    assert "Child protection plan (neglect) began" in text


def test_only_the_kinds_chosen_are_exported(client, dsl, pupil, file):
    text = " ".join(export(client, dsl, pupil, kind=["note", "decision"]))
    assert NOTE in text and DECISION in text
    assert ACCOUNT not in text and MEETING_DECISIONS not in text
    assert "Child protection plan (neglect) began" not in text
    # The body map belongs to the concern's entry, which was left out.
    assert "Round bruise" not in text
    assert "No concern in this export has a body map" in text


def test_no_internal_policy_code_in_the_chronology_or_the_pdf(client, dsl, pupil, file):
    entries = chronology.entries_for(pupil)
    for entry in entries:
        assert not CODE.search(f"{entry.title} {entry.detail} {entry.who} {entry.kind_label}")
    concern_entry = next(e for e in entries if e.kind == "concern")
    assert "What the child was told about passing it on: The child was told" in concern_entry.detail
    text = " ".join(export(client, dsl, pupil))
    assert not CODE.findall(text), CODE.findall(text)
    assert "What the child was told about passing it on" in text


# --- the body map ------------------------------------------------------------------------------


def test_the_body_map_is_drawn_with_a_numbered_key(client, dsl, pupil, file):
    text = " ".join(export(client, dsl, pupil))
    assert "Body maps" in text and "Front (facing you)" in text and "Back" in text
    assert "1. Front: left arm: Round bruise, 3 cm" in text
    assert "2. Back: upper back: Two parallel red marks" in text
    assert "3. Front: left arm: Small graze near the wrist" in text
    # The numbers are drawn on the outline too (each in its own mark).
    drawn = [text for text in drawn_in_bold(pdf_of(client.get(url(pupil)))) if text.isdigit()]
    assert sorted(drawn) == ["1", "2", "3"]


def test_a_mark_in_a_region_the_outline_lacks_is_still_in_the_key(client, dsl, pupil, file):
    concern, _ = file
    concern.body_map = [{"region": "ear", "note": "Cut behind the ear"}]
    concern.save()
    text = " ".join(export(client, dsl, pupil))
    assert "1. ear (not on the outline): Cut behind the ear" in text


def test_the_outline_has_every_region_where_the_form_draws_it():
    """The PDF's outline is the concern form's (its SVG), region for region."""
    svg = (settings.BASE_DIR / "templates/safeguarding/includes/body_map.svg").read_text()
    drawn = {}
    for tag, attributes in re.findall(r"<(ellipse|rect) ([^>]*data-region[^>]*)>", svg):
        values = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        keys = ("cx", "cy", "rx", "ry") if tag == "ellipse" else ("x", "y", "width", "height")
        drawn[values["data-region"]] = (tag, *(int(values[k]) for k in keys))
    assert drawn == chronology_pdf.SHAPES
    assert set(chronology_pdf.SHAPES) == {region for region, _ in body_map.REGIONS}


# --- every page --------------------------------------------------------------------------------


def test_every_page_is_marked_confidential_numbered_and_signed(client, dsl, pupil, file):
    concern, _ = file
    for n in range(40):
        CaseNote(concern=concern, author=dsl, text=f"Call {n}: " + "spoke at length. " * 30).save()
    pages = export(client, dsl, pupil)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.count("CONFIDENTIAL") >= 2, number  # at the head and the foot
        assert f"Page {number} of {len(pages)}" in page
        assert f"Generated by {dsl.get_full_name()}" in page
        assert settings.SCHOOL_NAME in page


def test_what_a_child_said_is_never_read_as_markup(client, dsl, pupil, raise_concern, teacher):
    raise_concern(teacher, [pupil], account="<b>bold</b> & <font size=40>big</font>")
    text = " ".join(export(client, dsl, pupil)).replace(" ", "")
    # Drawn as characters (the reader sees each "<" as its own piece of text), never obeyed.
    assert "<b>bold</b>&<fontsize=40>big</font>" in text


# --- who may have it, and the trail ------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, pupil):
    response = client.get(url(pupil))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["teacher", "head", "office", "nurse", "volunteer", "governor", "parent"]
)
def test_nobody_outside_the_team_gets_it(client, request, persona, pupil, file):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=True)
    assert client.get(url(pupil)).status_code == 404
    assert client.get(url(pupil), {"kind": "note"}).status_code == 404
    assert not exports(pupil).exists()


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_gets_it_and_the_export_is_one_blind_entry(client, request, persona, pupil, file):
    user = request.getfixturevalue(persona)
    export(client, user, pupil, kind=["concern", "note"])
    assert exports(pupil).count() == 1
    entry = exports(pupil).get()
    assert entry.additional_data["how"] == "export"
    assert entry.additional_data["area"] == "safeguarding"
    assert entry.object_pk != str(pupil.pk)  # blind: the child by reference only
    everything = " ".join(f"{e.changes_text} {e.additional_data}" for e in exports(pupil))
    assert ACCOUNT not in everything and NOTE not in everything


def test_wrong_dates_show_the_page_again_with_the_message_and_no_export(client, dsl, pupil, file):
    sign_in(client, dsl, verified=True)
    response = client.get(
        url(pupil), {"kind": ["note"], "since": "2026-03-10", "until": "2026-03-01"}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert 'value="2026-03-10"' in page and 'value="2026-03-01"' in page  # nothing typed lost
    assert [e.additional_data["how"] for e in exports(pupil)] == ["view"]


def test_a_date_that_is_not_a_date_is_refused_in_words(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    response = client.get(url(pupil), {"since": "31/02/2026"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_the_page_offers_the_kinds_to_include_in_a_fieldset(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/children/{pupil.pk}/chronology/").content.decode()
    assert "<legend>Kinds of entry" in page
    for kind, label in chronology.Kind.CHOICES:
        assert f'value="{kind}"' in page and label.replace("'", "&#x27;") in page
    # Every kind starts ticked; the export button sends the same choices to the PDF.
    assert page.count("checked") >= len(chronology.Kind.CHOICES)
    assert f'formaction="{url(pupil)}"' in page


def test_the_date_of_birth_and_age_on_the_cover(dsl, pupil):
    pupil.date_of_birth = date(2017, 3, 4)
    pupil.save()
    cover = chronology.cover_for(pupil, dsl)
    pages = pdf_pages(chronology_pdf.render(pupil, [], dsl, cover=cover))
    today = timezone.localdate()
    age = today.year - 2017 - ((today.month, today.day) < (3, 4))
    assert f"Date of birth 4 Mar 2017 (age {age})" in pages[0]
    assert "No parent or carer is linked" in pages[0]
    assert "No adult or agency is recorded" in pages[0]


def test_a_body_map_that_cannot_be_opened_here_is_said_not_drawn():
    class CannotBeOpened(str):
        unreadable = True

    message = CannotBeOpened("This information cannot be opened on this server.")
    concern = SimpleNamespace(body_map=message, reference="ABC12345")
    entry = chronology.Entry(timezone.now(), "concern", "Concern", "", "", concern)
    assert entry.body_map == []
    assert chronology._marks_in_words(message) == f"Body map: {message}"


def test_a_child_with_no_address_recorded_says_where_to_add_it(client, dsl, pupil):
    cover = export(client, dsl, pupil)[0]
    assert "Address Not recorded on the child's record" in cover


def test_every_letter_of_a_child_s_name_is_printed(client, dsl, pupil, file):
    """ReportLab's built-in typeface had Western European letters only: a case conference's
    PDF printed "■ukasz Wi■niewski". Names from every language a school meets are printed as
    they are, on the cover, in the chronology and on every page's header."""
    pupil.first_name, pupil.last_name = "Łukasz", "Wiśniewski-Nguyễn"
    pupil.save()
    concern, _ = file
    concern.account = "Şule said Дмитрий and Αθηνά were waiting at the gate."
    concern.save()
    pages = export(client, dsl, pupil)
    text = " ".join(pages)
    assert "■" not in text
    assert "Łukasz Wiśniewski-Nguyễn" in pages[0]
    assert "Şule said Дмитрий and Αθηνά were waiting at the gate." in text
    assert all("Wiśniewski-Nguyễn" in page for page in pages)
