"""A copy of the database cannot read an encrypted value from its length (second attack, medium).

The finding: with no padding, ``safeguarding_concernaboutadult.nature`` was 53 characters for
"low_level" and 54 for "allegation", a pay recommendation of "no_progress" was longer than
"progress", and a concern's other categories and children named were counted by their length.
Now every plaintext is padded to a bucket (ISO/IEC 7816-4) inside the authenticated encryption,
values sealed before padding still open, and ``rotate_keys`` re-seals them padded.
"""

import base64
import os
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from confidentiality.crypto import DecryptionError
from confidentiality.crypto.keyring import (
    KeyRing,
    Sealed,
    keyring,
    pad,
    padded_length,
    unpad,
)
from confidentiality.crypto.models import SetAsideValue
from confidentiality.crypto.rotation import rotate_all, totals_by_key, unpadded_counts
from performance.models import PerformanceFile
from records.models import Student, WorkItem
from safeguarding import adults
from safeguarding.models import Concern, ConcernAboutAdult

NONCE_AND_TAG = 12 + 16  # what AES-GCM adds to the padded plaintext


def _stored_length(model, name, value, **known) -> int:
    """The length of what the database would hold for ``value`` in ``model.name`` (sealed by the
    field itself, to a fresh row)."""
    field = model._meta.get_field(name)
    return len(field.seal(value, model(pk=uuid.uuid4(), **known)).token)


def _seal_unpadded(plaintext: str, context: str) -> Sealed:
    """A value as the site sealed it before padding: ``<key id>$<base64url(nonce || ct+tag)>``
    with the context alone as associated data."""
    key_id, _, encoded = keyring_spec().split(",")[0].partition(":")
    aes = AESGCM(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    nonce = os.urandom(12)
    data = aes.encrypt(nonce, plaintext.encode(), context.encode())
    return Sealed(f"{key_id}${base64.urlsafe_b64encode(nonce + data).decode().rstrip('=')}")


def keyring_spec() -> str:
    from django.conf import settings

    return settings.FIELD_ENCRYPTION_KEYS


def _put_unpadded(obj, name, plaintext):
    """Write ``plaintext`` into ``obj.name`` in the old, unpadded format (as an old database)."""
    field = obj._meta.get_field(name)
    token = _seal_unpadded(plaintext, field.context(obj))
    type(obj)._base_manager.filter(pk=obj.pk).update(**{field.attname: token})
    return token


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _body(token: str) -> bytes:
    encoded = token.split("$", 1)[1].removeprefix("v2.")
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def _token(key_id: str, raw: bytes, padded: bool = True) -> Sealed:
    mark = "v2." if padded else ""
    return Sealed(f"{key_id}${mark}{base64.urlsafe_b64encode(raw).decode().rstrip('=')}")


# --- the finding's values now have one length ---------------------------------------------------


def test_a_low_level_concern_and_an_allegation_are_stored_at_the_same_length(
    teacher, other_teacher, dsl, head
):
    for nature in ("low_level", "allegation"):
        adults.raise_adult_concern(
            teacher,
            {
                "idempotency_key": uuid.uuid4(),
                "person": other_teacher,
                "nature": nature,
                "category": "other",
                "urgency": "routine",
                "account": "Gave a pupil a lift home.",
                "happened_at": timezone.now(),
                "location": "Car park",
            },
        )
    stored = _raw("SELECT nature FROM safeguarding_concernaboutadult")
    assert len(stored) == 2 and len(set(stored)) == 2  # two different ciphertexts...
    assert len({len(value) for value in stored}) == 1  # ...of one length
    natures = {c.adult.nature for c in Concern.objects.about_adults()}
    assert natures == {"low_level", "allegation"}  # and both read back as written


@pytest.mark.parametrize(
    ("model", "name", "values"),
    [
        (ConcernAboutAdult, "nature", ["low_level", "allegation"]),
        (PerformanceFile, "pay_recommendation", ["progress", "no_progress", "deferred"]),
        (
            Concern,
            "other_categories",
            [[], ["sexual"], ["physical", "emotional"], ["physical", "emotional", "neglect"]],
        ),
    ],
)
def test_values_of_one_field_seal_to_one_length(db, model, name, values):
    lengths = {_stored_length(model, name, value) for value in values}
    assert len(lengths) == 1, lengths


def test_up_to_three_children_named_give_the_same_length(db, student_factory):
    children = [
        {"student": str(student_factory(first_name=f"Child{i}").pk), "part": "alleged_harmer"}
        for i in range(4)
    ]
    one = _stored_length(Concern, "children", children[:1])
    three = _stored_length(Concern, "children", children[:3])
    assert one == three
    # Past the first bucket the length shows again, but only by powers of two.
    assert _stored_length(Concern, "children", children) > three


def test_every_encrypted_choice_field_seals_its_choices_to_one_length(db):
    from django.apps import apps

    from confidentiality.crypto.fields import encrypted_fields

    checked = 0
    for model in apps.get_models():
        for field in encrypted_fields(model):
            if field.choices:
                codes = [code for code, _ in field.flatchoices]
                assert len({_stored_length(model, field.name, c) for c in codes}) == 1, field
                checked += 1
    assert checked >= 1  # at least the nature of a concern about an adult


def test_the_buckets_step_by_32_bytes_then_powers_of_two_then_64_kib():
    expected = {0: 32, 9: 32, 31: 32, 32: 64, 100: 128, 255: 256}  # room for the 0x80 mark
    expected |= {256: 512, 600: 1024, 4096: 8192, 65_535: 65_536}
    expected |= {65_536: 131_072, 100_000: 131_072, 200_000: 262_144}
    assert {length: padded_length(length) for length in expected} == expected
    assert padded_length(10, at_least=256) == 256 and padded_length(300, at_least=256) == 512


def test_a_file_costs_at_most_64_kib_more_to_store_and_opens_whole(db):
    field = WorkItem._meta.get_field("content")
    content = os.urandom(300_000) + b"\x80\x00"
    row = WorkItem(pk=uuid.uuid4())
    sealed = field.seal(content, row)
    as_text = len(field.to_plaintext(content))
    padded = len(_body(sealed.token)) - NONCE_AND_TAG
    assert as_text < padded <= as_text + 64 * 1024 and padded % (64 * 1024) == 0
    assert field.open(sealed, row) == content


# --- the padding round-trips and is authenticated ------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"\x80", b"\x00", b"abc\x80", b"abc\x00\x00", b"\x80\x00\x80\x00", b"x" * 31, b"y" * 32],
)
def test_padding_keeps_the_values_own_trailing_0x80_and_zero_bytes(data):
    padded = pad(data)
    assert len(padded) == padded_length(len(data)) and len(padded) % 32 == 0
    assert unpad(padded) == data


@pytest.mark.parametrize(
    "text", ["", "ends in nul\x00\x00", "ends in \u0080", "\u0080\x00", "naïve café ✓" * 40]
)
def test_text_ending_in_0x80_or_zero_bytes_and_the_empty_string_round_trip(db, text):
    ring = keyring()
    sealed = ring.seal(text, "records.student.notes#1")
    assert sealed.padded and ring.open(sealed, "records.student.notes#1", "test") == text


def test_the_empty_string_is_as_long_as_any_short_value(db):
    ring = keyring()
    assert len(ring.seal("", "c").token) == len(ring.seal("allegation", "c").token)


def test_changing_a_padding_byte_fails_to_open(db):
    ring = keyring()
    sealed = ring.seal("low_level", "ctx")
    raw = bytearray(_body(sealed.token))
    raw[12 + 31] ^= 0x01  # the last byte of the padded plaintext, before the tag
    with pytest.raises(DecryptionError, match="does not open"):
        ring.open(_token(sealed.key_id, bytes(raw)), "ctx", "test")


def test_a_value_cut_to_look_unpadded_or_marked_padded_when_it_is_not_fails_to_open(db):
    ring = keyring()
    padded = ring.seal("allegation", "ctx")
    stripped = _token(padded.key_id, _body(padded.token), padded=False)
    with pytest.raises(DecryptionError):
        ring.open(stripped, "ctx", "test")
    old = _seal_unpadded("allegation", "ctx")
    with pytest.raises(DecryptionError):
        ring.open(_token(old.key_id, _body(old.token), padded=True), "ctx", "test")


def test_an_authentic_value_without_the_padding_mark_is_refused(db):
    """Defence in depth: even a value sealed with the right key and data must carry the mark."""
    from confidentiality.crypto.keyring import _associated_data

    key_id, _, encoded = keyring_spec().split(",")[0].partition(":")
    aes = AESGCM(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    nonce = os.urandom(12)
    data = aes.encrypt(nonce, b"low_level" + bytes(23), _associated_data("ctx", True))
    with pytest.raises(DecryptionError):
        keyring().open(_token(key_id, nonce + data), "ctx", "test")


# --- values sealed before padding ---------------------------------------------------------------


def test_a_value_sealed_before_padding_still_opens(pupil):
    token = _put_unpadded(pupil, "nhs_number", "943 476 5901")
    assert not token.padded and token.key_id == "k1"
    assert Student.objects.get(pk=pupil.pk).nhs_number == "943 476 5901"


def test_rotation_pads_old_values_even_on_the_same_key(pupil):
    ring_before = keyring_spec()
    _put_unpadded(pupil, "nhs_number", "943 476 5901")
    _put_unpadded(pupil, "date_of_birth", "2018-05-04")
    assert totals_by_key(unpadded_counts()) == {"k1": 2}
    totals = rotate_all()
    assert keyring_spec() == ring_before  # no new key: the same ring pads them
    assert totals["rotated"] == 2 and totals["unreadable"] == 0
    assert totals_by_key(unpadded_counts()) == {}
    for name in ("nhs_number", "date_of_birth"):
        stored = Student._base_manager.values_list(name, flat=True).get(pk=pupil.pk)
        assert stored.token.startswith("k1$v2.") and stored.padded
    fresh = Student.objects.get(pk=pupil.pk)
    assert fresh.nhs_number == "943 476 5901" and fresh.date_of_birth.isoformat() == "2018-05-04"
    again = rotate_all()
    assert again["rotated"] == 0 and again["current"] == again["scanned"]


def test_rotation_pads_set_aside_values_too(db, teacher):
    context = "safeguarding.concerndraft.payload#x"
    kept = SetAsideValue.objects.create(
        owner=teacher,
        what="safeguarding.concerndraft",
        field="payload",
        context=context,
        ciphertext=_seal_unpadded('{"account": ["typed"]}', context).token,
        key_id="k1",
        reason="test",
    )
    assert totals_by_key(unpadded_counts()) == {"k1": 1}
    rotate_all()
    kept.refresh_from_db()
    assert Sealed(kept.ciphertext).padded and kept.key_id == "k1"
    assert len(_body(kept.ciphertext)) - NONCE_AND_TAG == 256  # a JSON field's first bucket
    assert keyring().open(Sealed(kept.ciphertext), kept.context, "t") == '{"account": ["typed"]}'


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_check_reports_values_sealed_before_padding_and_rotate_keys_pads_them(pupil):
    _put_unpadded(pupil, "nhs_number", "943 476 5901")
    out = _Sink()
    call_command("rotate_keys", "--check", stdout=out)  # a warning, not a failure
    assert "records.Student.nhs_number: 1 sealed before padding" in out.text
    assert "Values sealed before padding: 1." in out.text and "run rotate_keys" in out.text
    out = _Sink()
    call_command("rotate_keys", "--settle", "0", stdout=out)
    assert "Done: every value is on ‘k1’" in out.text
    out = _Sink()
    call_command("rotate_keys", "--check", stdout=out)
    assert "Values sealed before padding: 0." in out.text


def test_an_old_value_that_cannot_be_opened_is_reported_not_claimed_done(pupil):
    token = _put_unpadded(pupil, "nhs_number", "943 476 5901")
    damaged = Sealed(token.token[:-4] + ("AAAA" if not token.token.endswith("AAAA") else "BBBB"))
    Student._base_manager.filter(pk=pupil.pk).update(nhs_number=damaged)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="1 on ‘k1’ sealed before padding"):
        call_command("rotate_keys", "--settle", "0", stdout=_Sink())
    stored = Student._base_manager.values_list("nhs_number", flat=True).get(pk=pupil.pk)
    assert stored.token == damaged.token  # left exactly as it was


def test_ten_thousand_short_values_still_seal_and_open_quickly(db):
    import time

    ring = KeyRing(f"k9:{base64.urlsafe_b64encode(os.urandom(32)).decode()}")
    start = time.perf_counter()
    sealed = [ring.seal(f"value {i}", f"ctx#{i}") for i in range(10_000)]
    opened = [ring.open(s, f"ctx#{i}", "bench") for i, s in enumerate(sealed)]
    elapsed = time.perf_counter() - start
    assert opened[-1] == "value 9999" and len({len(s.token) for s in sealed}) == 1
    assert elapsed < 2.0, f"10,000 seal+open took {elapsed:.2f}s"
