"""Key rotation cannot lose data, an unreadable value never takes a page down, and a draft that
cannot be opened never blocks a report (second review, medium 8; low: racing first autosaves).

The finding, replayed: the site runs on [k1]; ``rotate_keys`` runs on [k2, k1]. Before, the site
went on sealing with k1, 500ed on rotated records and on /safeguarding/log/ for a user with a
saved draft, and dropping k1 then broke a parent's whole portal. Now the database records the
sealing key, a server without it refuses to seal (and says so), pages show one field's message,
and k1 can be retired only when ``rotate_keys --check`` counts nothing left on it.
"""

import copy
import uuid

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from confidentiality.crypto import (
    KeyUnavailable,
    SealingRefused,
    Unreadable,
    UnreadableNotReplaced,
)
from confidentiality.crypto.keyring import KeyRing, Sealed, new_key_entry
from confidentiality.crypto.models import SealingKey, SetAsideValue
from confidentiality.crypto.rotation import RotationRefused, key_counts, totals_by_key
from confidentiality.crypto.sealing import recorded_key_id
from records.models import Grade, RecordSection, Student
from safeguarding import raising
from safeguarding.models import Concern, ConcernDraft
from tests.conftest import sign_in
from tests.records.conftest import add_learning
from tests.safeguarding.conftest import form_data

LOG = "/safeguarding/log/"
MISSING_K1 = (
    "This information cannot be opened on this server: the key ‘k1’ is missing. "
    "Tell the IT administrator."
)


@pytest.fixture
def team(dsl, deputy):
    return [dsl, deputy]


@pytest.fixture
def child(student_factory, oak, parent):
    from records.models import ParentLink

    student = student_factory(group=oak, first_name="Ravi", last_name="Patel")
    ParentLink.objects.create(
        parent=parent, student=student, relationship=ParentLink.Relationship.MOTHER
    )
    return student


@pytest.fixture
def rings(settings):
    """The two rings of the finding: the site's old one and the one rotate_keys is run with."""
    old = settings.FIELD_ENCRYPTION_KEYS
    assert old.split(":")[0] == "k1"
    return {"old": old, "new": f"{new_key_entry('k2')},{old}"}


def use(settings, ring):
    """Act as a process started with ``ring`` (the recorded key is read afresh, as per request)."""
    settings.FIELD_ENCRYPTION_KEYS = ring


def rotate(settings, rings, *args):
    use(settings, rings["new"])
    call_command("rotate_keys", "--settle", "0", *args, stdout=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def per_key():
    return totals_by_key(key_counts())


def stored(model, pk, name):
    return model._base_manager.values_list(name, flat=True).get(pk=pk)


def seal_with_a_lost_key(model, pk, name, plaintext="lost"):
    """Put a value sealed with a key no server has (‘k0’) into a row, as after a bad rotation."""
    field = model._meta.get_field(name)
    token = KeyRing(new_key_entry("k0")).seal(plaintext, field.context(model(pk=pk)))
    model._base_manager.filter(pk=pk).update(**{field.attname: token})


# --- the order of deployment cannot lose data ----------------------------------------------------


def test_rotation_records_the_new_key_first_and_reports_what_is_left(settings, rings, pupil):
    assert recorded_key_id(fresh=True) == "k1"  # the first value sealed recorded the site's key
    out = _Sink()
    use(settings, rings["new"])
    call_command("rotate_keys", "--settle", "0", stdout=out)
    assert SealingKey.objects.get().key_id == "k2"
    assert "Values on ‘k1’: 0" in out.text and "Done: every value is on ‘k2’" in out.text
    assert "rotate_keys --retire k1" in out.text
    assert per_key()["k1"] == 0 and per_key()["k2"] > 0


def test_a_server_with_the_new_ring_keeps_sealing_with_the_recorded_key_until_the_switch(
    settings, rings, pupil, student_factory
):
    use(settings, rings["new"])  # the new ring was deployed first: harmless
    early = student_factory(first_name="Early")
    assert stored(Student, early.pk, "nhs_number").key_id == "k1"
    rotate(settings, rings)
    later = student_factory(first_name="Later")
    assert stored(Student, later.pk, "nhs_number").key_id == "k2"


def test_after_the_switch_the_old_ring_refuses_to_seal_and_writes_nothing_with_k1(
    settings, rings, pupil, student_factory
):
    rotate(settings, rings)
    use(settings, rings["old"])  # a server still on [k1]
    with pytest.raises(SealingRefused, match="lacks the key ‘k2’"), transaction.atomic():
        student_factory(first_name="Refused")
    student = Student.objects.get(pk=pupil.pk)
    sealed_before = stored(Student, pupil.pk, "nhs_number")
    student.nhs_number = "401 023 2137"
    with pytest.raises(KeyUnavailable), transaction.atomic():
        student.save()
    student = Student.objects.get(pk=pupil.pk)
    student.first_name = "Maia"  # a plain field: saved, the sealed ones kept as they are
    student.save()
    assert stored(Student, pupil.pk, "nhs_number") == sealed_before
    assert per_key()["k1"] == 0  # nothing was written with the key about to be dropped
    assert not Student.objects.filter(first_name="Refused").exists()


def test_the_old_ring_still_shows_pages_after_the_switch(client, settings, rings, teacher, pupil):
    rotate(settings, rings)
    use(settings, rings["old"])
    response = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "the key ‘k2’ is missing" in page  # each rotated field says so, in its place
    assert "Maya" in page  # and the rest of the record is there


def test_a_write_on_the_old_ring_gets_a_clear_503_not_a_500(client, settings, rings, teacher):
    rotate(settings, rings)
    use(settings, rings["old"])
    sign_in(client, teacher)
    response = client.post(LOG + "draft/", _post({"account": "He said..."}))
    assert response.status_code == 503
    assert "being updated with a new encryption key" in response.json()["reason"]
    assert not ConcernDraft.objects.exists()


def test_the_middleware_turns_a_refusal_into_the_key_page(rf, teacher):
    from confidentiality.crypto.middleware import KeyUnavailableMiddleware

    request = rf.post("/anything/")
    response = KeyUnavailableMiddleware(lambda r: None).process_exception(
        request, SealingRefused("k2")
    )
    assert response.status_code == 503 and response["Retry-After"]
    assert "This could not be saved just now" in response.content.decode()
    assert "the key ‘k2’" in response.content.decode()
    other = KeyUnavailableMiddleware(lambda r: None).process_exception(request, ValueError())
    assert other is None  # anything else is not ours to hide


def test_the_concern_form_keeps_everything_typed_when_the_server_cannot_seal(
    client, settings, rings, teacher, pupil
):
    rotate(settings, rings)
    use(settings, rings["old"])
    sign_in(client, teacher)
    response = client.post(LOG, form_data(pupil, account="Bruise on her arm, she said Dad."))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your concern has not been sent yet" in page and "tell the DSL in person" in page
    assert "Bruise on her arm, she said Dad." in page
    assert not Concern.objects.exists()
    use(settings, rings["new"])  # on a server with the new ring, it goes through
    assert client.post(LOG, form_data(pupil)).status_code == 302


def test_rotate_keys_refuses_a_ring_without_the_recorded_key(settings, rings, pupil):
    rotate(settings, rings)
    use(settings, rings["old"])
    with pytest.raises(CommandError, match="seals new values with key ‘k2’"):
        call_command("rotate_keys", "--settle", "0", stdout=_Sink())
    assert SealingKey.objects.get().key_id == "k2"  # not switched back
    from confidentiality.crypto.rotation import switch_to_newest

    with pytest.raises(RotationRefused):
        switch_to_newest()


# --- check and retire ------------------------------------------------------------------------


def test_new_key_prints_an_entry_and_refuses_an_id_in_use(settings):
    out = _Sink()
    call_command("rotate_keys", "--new-key", "k2", stdout=out)
    assert KeyRing(out.text.strip()).order == ["k2"]
    with pytest.raises(CommandError, match="already in FIELD_ENCRYPTION_KEYS"):
        call_command("rotate_keys", "--new-key", "k1", stdout=_Sink())


def test_check_counts_the_values_on_each_key_per_column(settings, rings, pupil):
    out = _Sink()
    call_command("rotate_keys", "--check", stdout=out)
    assert "records.Student.nhs_number: k1 1" in out.text
    # Every child has every section (five), each sealed even when empty.
    assert "records.RecordSection.details: k1 5" in out.text
    assert "Values on ‘k1’: " in out.text
    use(settings, rings["new"])
    SealingKey.objects.update(key_id="k2")  # switched, not yet re-sealed
    out = _Sink()
    call_command("rotate_keys", "--check", stdout=out)
    assert f"Values on ‘k1’: {per_key()['k1']}" in out.text and per_key()["k1"] > 0


def test_check_fails_when_a_value_is_on_a_key_the_ring_lacks(settings, rings, pupil):
    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    with pytest.raises(CommandError, match="1 values are on ‘k0’"):
        call_command("rotate_keys", "--check", stdout=_Sink())


def test_k1_can_be_retired_only_when_no_value_is_left_on_it(settings, rings, pupil, teacher):
    with pytest.raises(CommandError, match="is the key new values are sealed with"):
        call_command("rotate_keys", "--retire", "k1", stdout=_Sink())
    use(settings, rings["new"])
    SealingKey.objects.update(key_id="k2")  # switched, but values are still on k1
    with pytest.raises(CommandError, match=r"\d+ values are still on ‘k1’"):
        call_command("rotate_keys", "--retire", "k1", stdout=_Sink())
    rotate(settings, rings)
    out = _Sink()
    call_command("rotate_keys", "--retire", "k1", stdout=out)
    assert "No value is on ‘k1’" in out.text


def test_a_value_on_a_lost_key_is_kept_and_reported_not_dropped(settings, rings, pupil):
    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    before = stored(Student, pupil.pk, "nhs_number")
    with pytest.raises(CommandError, match="Not finished: 1 on ‘k0’"):
        rotate(settings, rings)
    assert stored(Student, pupil.pk, "nhs_number") == before


def test_the_start_up_check_names_the_missing_key(settings, rings, pupil, db):
    assert not [e for e in run_checks(databases=["default"]) if e.id == "confidentiality.E010"]
    rotate(settings, rings)
    use(settings, rings["old"])
    errors = [e for e in run_checks(databases=["default"]) if e.id == "confidentiality.E010"]
    assert len(errors) == 1 and "‘k2’" in errors[0].msg


def test_pages_that_only_read_never_ask_for_the_sealing_key(client, teacher, pupil):
    sign_in(client, teacher)
    url = f"/records/students/{pupil.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries if SealingKey._meta.db_table in q["sql"]]


def test_a_request_that_seals_asks_once(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(LOG + "draft/", _post({"account": "first"}))
    with CaptureQueriesContext(connection) as queries:
        client.post(LOG + "draft/", _post({"account": "second"}))
    assert len([q for q in queries if SealingKey._meta.db_table in q["sql"]]) == 1


# --- a value that cannot be opened ----------------------------------------------------------------


def test_a_parents_portal_with_an_unreadable_value_shows_the_message_not_a_500(
    client, settings, rings, parent, child, teacher
):
    grade, note, work = add_learning(child, teacher)
    rotate(settings, rings)
    use(settings, rings["new"].split(",")[0])  # k1 dropped, as the README said
    seal_with_a_lost_key(Grade, grade.pk, "result")
    response = sign_in(client, parent).get(f"/portal/children/{child.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This information cannot be opened on this server: the key ‘k0’ is missing." in page
    assert "reads fluently" in page  # the rest of the portal is there


def test_an_unreadable_value_is_one_fields_message(settings, pupil):
    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    student = Student.objects.get(pk=pupil.pk)
    assert isinstance(student.nhs_number, Unreadable)
    assert student.nhs_number == MISSING_K1.replace("k1", "k0")
    assert student.date_of_birth.year == 2018  # the other fields open as before
    copied = copy.deepcopy(student.nhs_number)  # as a cache or a form copies it
    assert isinstance(copied, Unreadable) and copied.sealed == student.nhs_number.sealed


def test_an_unreadable_date_of_birth_says_so_instead_of_a_dash(client, teacher, pupil):
    seal_with_a_lost_key(Student, pupil.pk, "date_of_birth", "2018-05-01")
    response = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    assert "<dt>Date of birth</dt><dd>This information cannot be opened" in (
        response.content.decode()
    )
    assert not Student.objects.get(pk=pupil.pk).date_of_birth  # code skips it like a blank


def test_the_medical_section_shows_the_message_in_each_entry(client, settings, teacher, pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    seal_with_a_lost_key(RecordSection, section.pk, "details")
    response = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    assert response.status_code == 200
    assert "the key ‘k0’ is missing" in response.content.decode()


def test_editing_a_section_that_cannot_be_opened_is_refused_with_a_page_not_lost(
    client, dsl, pupil
):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    seal_with_a_lost_key(RecordSection, section.pk, "details")
    before = stored(RecordSection, section.pk, "details")
    url = f"/records/students/{pupil.pk}/sections/medical/edit/"
    sign_in(client, dsl, verified=True)
    form = client.get(url)
    assert form.status_code == 200 and "the key ‘k0’ is missing" in form.content.decode()
    response = client.post(
        url,
        {"seen_version": section.updated_at.isoformat(), "allergies": "None", "notes": ""},
    )
    assert response.status_code == 503
    assert "cannot be changed here" in response.content.decode()
    assert stored(RecordSection, section.pk, "details") == before


def test_saving_a_row_with_an_unreadable_value_keeps_its_ciphertext(settings, pupil):
    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    before = stored(Student, pupil.pk, "nhs_number")
    student = Student.objects.get(pk=pupil.pk)
    assert student.nhs_number  # shown (the message) ...
    student.first_name = "Maia"
    student.save()  # ... and saved back as the ciphertext it stands for, never as the message
    assert stored(Student, pupil.pk, "nhs_number") == before
    assert Student.objects.get(pk=pupil.pk).first_name == "Maia"


def test_an_unreadable_value_is_never_overwritten(settings, pupil):
    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    before = stored(Student, pupil.pk, "nhs_number")
    student = Student.objects.get(pk=pupil.pk)
    student.nhs_number  # noqa: B018  (read: the page showed the message)
    student.nhs_number = "123 456 7890"
    with pytest.raises(UnreadableNotReplaced, match="cannot be changed here"), transaction.atomic():
        student.save()
    unread = Student.objects.get(pk=pupil.pk)
    unread.nhs_number = ""  # replaced without being read first: still refused
    with pytest.raises(UnreadableNotReplaced), transaction.atomic():
        unread.save()
    assert stored(Student, pupil.pk, "nhs_number") == before


def test_a_form_showing_the_message_gives_the_value_back_unchanged(settings, pupil):
    from django import forms

    class StudentForm(forms.ModelForm):
        class Meta:
            model = Student
            fields = ["first_name", "nhs_number"]

    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    before = stored(Student, pupil.pk, "nhs_number")
    student = Student.objects.get(pk=pupil.pk)
    shown = StudentForm(instance=student)
    html = str(shown["nhs_number"])
    assert "readonly" in html and "the key ‘k0’ is missing" in html
    posted = StudentForm(
        {"first_name": "Maia", "nhs_number": str(student.nhs_number)}, instance=student
    )
    assert posted.is_valid(), posted.errors
    posted.save()
    assert stored(Student, pupil.pk, "nhs_number") == before


def test_rotation_never_meets_the_message(settings, rings, pupil):
    """Re-sealing works on the ciphertext, so an unreadable value is never re-sealed as text."""
    seal_with_a_lost_key(Student, pupil.pk, "nhs_number")
    before = stored(Student, pupil.pk, "nhs_number")
    with pytest.raises(CommandError):
        rotate(settings, rings)
    assert stored(Student, pupil.pk, "nhs_number") == before


# --- drafts never block a report -------------------------------------------------------------


def _draft_nobody_here_can_open(teacher, settings, rings):
    """The finding's draft: saved on a server with the new ring, read on one with the old."""
    rotate(settings, rings)
    raising.save_draft(teacher, _post({"account": "What she told me at lunch"}))
    draft = ConcernDraft.objects.get(author=teacher)
    assert stored(ConcernDraft, draft.pk, "payload").key_id == "k2"
    use(settings, rings["old"])
    return draft


def _post(data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query["idempotency_key"] = str(uuid.uuid4())
    for key, value in data.items():
        query[key] = value
    return query


def test_an_unreadable_draft_is_set_aside_and_the_form_works(
    client, settings, rings, teacher, team, pupil
):
    draft = _draft_nobody_here_can_open(teacher, settings, rings)
    token = stored(ConcernDraft, draft.pk, "payload").token
    response = sign_in(client, teacher).get(LOG)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your unsent draft from" in page and "has been set aside" in page
    assert "the safeguarding team has been told" in page
    assert "We restored the concern" not in page
    kept = SetAsideValue.objects.get()
    assert kept.ciphertext == token and kept.owner == teacher and kept.key_id == "k2"
    assert not ConcernDraft.objects.exists()
    told = [m for m in mail.outbox if "could not be opened" in m.subject]
    assert {a for m in told for a in m.to} == {"deputy@school.test", "dsl@school.test"}
    assert all("What she told me" not in m.body and "Teacher" in m.body for m in told)
    # A server holding k2 can still open what was set aside.
    ring = KeyRing(rings["new"])
    assert "What she told me" in ring.open(Sealed(kept.ciphertext), kept.context, "test")


def test_a_concern_is_logged_despite_a_draft_sealed_with_a_lost_key(client, teacher, team, pupil):
    raising.save_draft(teacher, _post({"account": "typed"}))
    draft = ConcernDraft.objects.get()
    seal_with_a_lost_key(ConcernDraft, draft.pk, "payload")
    sign_in(client, teacher)
    assert "has been set aside" in client.get(LOG).content.decode()
    response = client.post(LOG, form_data(pupil))
    assert response.status_code == 302 and Concern.objects.count() == 1
    assert SetAsideValue.objects.get().key_id == "k0"  # kept, never deleted


def test_an_autosave_over_an_unreadable_draft_sets_it_aside(client, teacher, team):
    raising.save_draft(teacher, _post({"account": "typed"}))
    seal_with_a_lost_key(ConcernDraft, ConcernDraft.objects.get().pk, "payload")
    response = sign_in(client, teacher).post(LOG + "draft/", _post({"account": "new words"}))
    assert response.status_code == 200 and response.json()["saved"]
    assert SetAsideValue.objects.count() == 1
    assert ConcernDraft.objects.get().payload["account"] == ["new words"]


def test_set_aside_drafts_are_rotated_so_retiring_a_key_loses_none(
    client, settings, rings, teacher, team
):
    draft = _draft_nobody_here_can_open(teacher, settings, rings)  # on k2, read on [k1]
    sign_in(client, teacher).get(LOG)
    kept = SetAsideValue.objects.get()
    third = f"{new_key_entry('k3')},{rings['new']}"
    use(settings, third)
    call_command("rotate_keys", "--settle", "0", stdout=_Sink())
    kept.refresh_from_db()
    assert kept.key_id == "k3" and draft.pk
    call_command("rotate_keys", "--retire", "k2", stdout=_Sink())
    assert "What she told me" in KeyRing(third).open(Sealed(kept.ciphertext), kept.context, "t")


def test_simultaneous_first_autosaves_never_500(client, teacher, monkeypatch):
    """Ten tabs' first autosaves race: each looks, finds no draft, and creates one; all but one
    hit the unique author. Simulated here: the look misses a draft another tab just created."""
    sign_in(client, teacher)
    key = str(uuid.uuid4())
    first = client.post(LOG + "draft/", {"account": "tab one", "idempotency_key": key})
    assert first.json()["saved"]
    real_first = QuerySet.first
    missed = []

    def first_misses_the_other_tab(queryset):
        if queryset.model is ConcernDraft and not missed:
            missed.append(True)
            return None
        return real_first(queryset)

    monkeypatch.setattr(QuerySet, "first", first_misses_the_other_tab)
    response = client.post(LOG + "draft/", {"account": "tab two", "idempotency_key": key})
    assert missed and response.status_code == 200 and response.json()["saved"]
    assert ConcernDraft.objects.get().payload["account"] == ["tab two"]


def test_the_race_is_really_a_unique_author(teacher):
    raising.save_draft(teacher, _post({"account": "one"}))
    with pytest.raises(IntegrityError), transaction.atomic():
        ConcernDraft(author=teacher, payload={"account": ["two"]}).save()
