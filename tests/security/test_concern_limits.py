"""M3 and the lows on the concern forms: what one concern can cost is bounded (each box has a
length limit with a clear message that keeps what was typed; the chronology PDF bounds each
entry, its pages and its time, and says what it shortened); dates are neither in the future nor
absurdly old (nor before the child was born); someone who has not signed the agreement sees no
list of pupils but can always report (P3); the concern and advice forms point to the route for
concerns about adults."""

# ruff: noqa: F811  (the safeguarding fixtures are imported below)

import time
import uuid

import pytest
from django.utils import timezone

from confidentiality.models import ConfidentialityAgreement
from safeguarding import advice, chronology, chronology_pdf
from safeguarding.forms.fields import ACCOUNT_MAX, TEXT_MAX
from safeguarding.models import AdviceRequest, Concern
from tests.conftest import sign_in
from tests.safeguarding.conftest import (  # noqa: F401  (fixtures)
    _tasks_run_at_once,
    form_data,
    raise_concern,
    signed,
)

LOG = "/safeguarding/log/"
ADULT = "/safeguarding/adults/log/"
ASK = "/safeguarding/advice/ask/"


def too_long_message(page: str) -> bool:
    return "this box takes up to" in page and "Everything you typed is still here" in page


# --- length limits with a clear message ---------------------------------------------------------


def test_an_account_over_the_limit_is_refused_clearly_and_kept(client, teacher, pupil, dsl):
    sign_in(client, teacher)
    account = "She said it happened again. " * (ACCOUNT_MAX // 20)
    assert len(account) > ACCOUNT_MAX
    response = client.post(LOG, form_data(pupil, account=account))
    page = response.content.decode()
    assert response.status_code == 400 and not Concern.objects.exists()
    assert too_long_message(page)
    assert account.strip() in page  # nothing typed is lost
    assert f'maxlength="{ACCOUNT_MAX}"' not in page  # the browser never cuts a paste silently


def test_an_account_at_the_limit_is_sent(client, teacher, pupil, dsl):
    sign_in(client, teacher)
    account = "x" * ACCOUNT_MAX
    response = client.post(LOG, form_data(pupil, account=account))
    assert response.status_code == 302
    assert Concern.objects.get().account == account


@pytest.mark.parametrize("field", ["private_follow_up", "actions_taken"])
def test_the_other_boxes_of_the_concern_form_are_bounded(client, teacher, pupil, dsl, field):
    sign_in(client, teacher)
    response = client.post(LOG, form_data(pupil, **{field: "y" * (TEXT_MAX + 1)}))
    assert response.status_code == 400 and too_long_message(response.content.decode())
    assert not Concern.objects.exists()


def adult_form(person, **overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "person": str(person.pk),
        "nature": "low_level",
        "category": "other",
        "account": "He shouts at the children.",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "urgency": "routine",
    }
    data.update(overrides)
    return data


def test_the_adult_concern_form_is_bounded(client, teacher, other_teacher, dsl, head):
    sign_in(client, teacher)
    account = "z" * (ACCOUNT_MAX + 1)
    response = client.post(ADULT, adult_form(other_teacher, account=account))
    page = response.content.decode()
    assert response.status_code == 400 and too_long_message(page) and account in page
    assert not Concern.objects.exists()


def test_the_advice_question_is_bounded(client, teacher, dsl):
    sign_in(client, teacher)
    response = client.post(ASK, {"question": "q" * (TEXT_MAX + 1)})
    assert response.status_code == 400 and too_long_message(response.content.decode())
    assert not AdviceRequest.objects.exists()


def test_a_case_note_is_bounded(client, teacher, pupil, dsl, raise_concern):
    concern = raise_concern(teacher, [pupil])
    sign_in(client, dsl, verified=True)
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/notes/", {"note-text": "n" * (ACCOUNT_MAX + 1)}
    )
    assert response.status_code == 400 and too_long_message(response.content.decode())
    assert not concern.notes.exists()


def test_an_advice_answer_is_bounded(client, teacher, pupil, dsl):
    request = advice.ask(teacher, "Should I worry?", pupil)
    sign_in(client, dsl, verified=True)
    response = client.post(f"/safeguarding/advice/{request.pk}/", {"answer": "a" * (TEXT_MAX + 1)})
    assert response.status_code == 400 and too_long_message(response.content.decode())


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, message",
    [
        ("0001-01-01T00:00", "please check the date"),
        ("1999-12-31T10:00", "please check the date"),
        ("2999-01-01T10:00", "This is in the future"),
    ],
)
def test_an_impossible_date_is_refused_clearly(client, teacher, pupil, dsl, when, message):
    sign_in(client, teacher)
    response = client.post(LOG, form_data(pupil, happened_at=when))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Concern.objects.exists()


def test_a_date_before_the_child_was_born_is_refused(client, teacher, pupil, dsl):
    sign_in(client, teacher)
    before = pupil.date_of_birth.replace(year=pupil.date_of_birth.year - 1)
    response = client.post(LOG, form_data(pupil, happened_at=f"{before:%Y-%m-%d}T10:00"))
    assert "before the child was born" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_date_a_few_minutes_ahead_is_accepted(client, teacher, pupil, dsl):
    sign_in(client, teacher)
    soon = timezone.localtime() + timezone.timedelta(minutes=2)
    response = client.post(LOG, form_data(pupil, happened_at=f"{soon:%Y-%m-%dT%H:%M}"))
    assert response.status_code == 302


def test_an_adult_concern_may_be_non_recent_but_not_absurd(
    client, teacher, other_teacher, dsl, head
):
    sign_in(client, teacher)
    old = client.post(ADULT, adult_form(other_teacher, happened_at="0001-01-01T00:00"))
    assert old.status_code == 400 and "please check the date" in old.content.decode()
    future = client.post(ADULT, adult_form(other_teacher, happened_at="2999-01-01T00:00"))
    assert "This is in the future" in future.content.decode()
    non_recent = client.post(ADULT, adult_form(other_teacher, happened_at="1995-06-01T10:00"))
    assert non_recent.status_code == 302


# --- the chronology PDF -------------------------------------------------------------------------


def test_a_full_length_account_exports_in_under_five_seconds(
    client, teacher, pupil, dsl, raise_concern
):
    raise_concern(teacher, [pupil], account="She told me about home at length. " * 571)
    sign_in(client, dsl, verified=True)
    started = time.monotonic()
    response = client.get(f"/safeguarding/children/{pupil.pk}/chronology/pdf/")
    assert response.status_code == 200 and response.getvalue().startswith(b"%PDF")
    assert time.monotonic() - started < 5


def test_an_oversized_old_entry_is_shortened_quickly_and_says_so(
    teacher, pupil, dsl, raise_concern
):
    # Written before the limits existed (or by any other way round the form): 2 MB.
    raise_concern(teacher, [pupil], account="word " * 400_000)
    entries = chronology.entries_for(pupil)
    rows, shortened, left_out = chronology_pdf._bounded(
        entries, chronology_pdf.ENTRY_LIMIT, chronology_pdf.TOTAL_LIMIT
    )
    assert shortened == 1 and all(len(detail) < 21_000 for _, _, detail in rows)
    started = time.monotonic()
    pdf = chronology_pdf.render(pupil, entries, dsl)
    assert pdf.startswith(b"%PDF") and time.monotonic() - started < 5


def test_an_export_that_runs_out_of_time_is_made_again_compact(
    teacher, pupil, dsl, raise_concern, settings, monkeypatch
):
    raise_concern(teacher, [pupil], account="A long account. " * 1000)
    settings.CHRONOLOGY_PDF_SECONDS = 0  # no time at all for the full export
    calls = []
    real_build = chronology_pdf._build

    def build(*args, **options):
        calls.append(options.get("compact", False))
        return real_build(*args, **options)

    monkeypatch.setattr(chronology_pdf, "_build", build)
    assert chronology_pdf.render(pupil, chronology.entries_for(pupil), dsl).startswith(b"%PDF")
    assert calls == [False, True]


def test_the_pdf_says_what_it_shortened(monkeypatch, pupil, dsl):
    from types import SimpleNamespace

    texts = []
    real_para = chronology_pdf._para
    monkeypatch.setattr(
        chronology_pdf, "_para", lambda text, style: texts.append(text) or real_para(text, style)
    )
    entry = SimpleNamespace(
        when=timezone.now(),
        kind_label="Concern",
        reference="ABC",
        title="Concern ABC",
        detail="x" * (chronology_pdf.ENTRY_LIMIT + 10),
        who="Raised by T",
        body_map=[],
    )
    chronology_pdf.render(pupil, [entry], dsl)
    everything = " ".join(texts)
    assert "1 entry is shortened in this export" in everything
    assert "shortened in this export: read the whole entry in the application" in everything


# --- no list of pupils before the agreement is signed; reporting never blocked -----------------


@pytest.fixture
def agreement(db):
    return ConfidentialityAgreement.objects.current() or ConfidentialityAgreement.publish(
        "Keep what you learn about children to yourself."
    )


@pytest.mark.parametrize("persona", ["volunteer", "nurse"])
@pytest.mark.parametrize("path", [LOG, ASK])
def test_someone_yet_to_sign_sees_no_list_of_pupils(
    client, request, agreement, pupil, persona, path
):
    sign_in(client, request.getfixturevalue(persona), agreed=False)
    page = client.get(path).content.decode()
    assert "Quinn" not in page and str(pupil.pk) not in page


@pytest.mark.parametrize("persona", ["volunteer", "nurse"])
def test_someone_yet_to_sign_still_reports_by_naming_the_child(
    client, request, agreement, pupil, dsl, persona
):
    person = request.getfixturevalue(persona)
    sign_in(client, person, agreed=False)
    data = form_data(pupil, **{"students-0-student": "", "child_named": "Maya, 3 Oak"})
    # As the page sends it: with no child to choose there is no "their part" to answer either.
    data = {k: v for k, v in data.items() if not k.endswith("-part")}
    response = client.post(LOG, data)
    assert response.status_code == 302
    concern = Concern.objects.get(raised_by=person)
    assert "Maya, 3 Oak" in concern.account and "My dad hit me" in concern.account
    asked = client.post(ASK, {"question": "Maya in 3 Oak seems hungry. Should I worry?"})
    assert asked.status_code == 302 and AdviceRequest.objects.filter(asked_by=person).exists()


def test_someone_yet_to_sign_cannot_pick_a_pupil_by_its_id(
    client, volunteer, agreement, pupil, dsl
):
    sign_in(client, volunteer, agreed=False)
    response = client.post(LOG, form_data(pupil))  # a pupil's id, and no name typed
    assert response.status_code == 400 and not Concern.objects.exists()
    assert "Write who the child is: their name and class" in response.content.decode()


@pytest.mark.parametrize("persona", ["teacher", "volunteer"])
def test_someone_who_has_signed_chooses_from_the_list(
    client, request, agreement, pupil, oak, persona
):
    person = signed(request.getfixturevalue(persona))
    oak.staff.add(person)  # the volunteer helps in 3 Oak
    sign_in(client, person)
    # The concern form finds the child by name (it never lists the whole roll).
    found = client.get(LOG + "children/", {"q": "Quinn"}).json()["children"]
    assert [child["last_name"] for child in found] == ["Quinn"]
    assert "Quinn" in client.get(ASK).content.decode()


# --- the way to report a concern about an adult is visible ------------------------------------


@pytest.mark.parametrize("path", [LOG, ASK])
def test_the_concern_and_advice_forms_link_to_the_adult_concern_route(client, teacher, path):
    sign_in(client, teacher)
    assert f'href="{ADULT}"' in client.get(path).content.decode()
