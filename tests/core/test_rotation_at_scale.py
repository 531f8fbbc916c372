"""Key rotation at a large school's size: a batch is read in one query and written in one
statement, each value by compare and swap, so a value saved meanwhile is never undone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.crypto.keyring import new_key_entry
from confidentiality.crypto.rotation import _swap, rotate_model, switch_to_newest
from safeguarding.models import KeyContact

FIELDS = [KeyContact._meta.get_field(name) for name in ("name", "phone", "notes")]


@pytest.fixture
def contacts(dsl, pupil):
    made = []
    for n in range(7):
        contact = KeyContact(
            student=pupil,
            role=KeyContact.Role.SOCIAL_WORKER,
            name=f"Ms Worker {n}",
            phone="0161 555 0199" if n % 2 else "",
            notes=f"Call before 10am, reference {n}",
            recorded_by=dsl,
        )
        contact.save()
        made.append(contact)
    return made


@pytest.fixture
def new_ring(settings):
    settings.FIELD_ENCRYPTION_KEYS = f"{new_key_entry('k2')},{settings.FIELD_ENCRYPTION_KEYS}"
    return switch_to_newest()


def _stored(pk, name):
    return KeyContact._base_manager.values_list(name, flat=True).get(pk=pk)


def test_every_value_is_resealed_batch_by_batch_and_still_opens(contacts, new_ring):
    totals = rotate_model(KeyContact, FIELDS, batch_size=3, target=new_ring)
    values = 7 + 3 + 7  # names and notes of each, a telephone for three
    assert totals == {
        "scanned": values,
        "rotated": values,
        "current": 0,
        "retry": 0,
        "unreadable": 0,
    }
    for contact in contacts:
        assert _stored(contact.pk, "name").key_id == "k2"
        fresh = KeyContact.objects.get(pk=contact.pk)
        assert fresh.name == contact.name and fresh.notes == contact.notes
    # Run again, nothing left to do: everything is counted as current.
    again = rotate_model(KeyContact, FIELDS, batch_size=3, target=new_ring)
    assert again["current"] == values and again["rotated"] == 0


def test_a_batch_costs_one_read_and_one_write(contacts, new_ring):
    with CaptureQueriesContext(connection) as captured:
        rotate_model(KeyContact, FIELDS, batch_size=100, target=new_ring)
    statements = [q["sql"].split()[0].upper() for q in captured]
    # One batch read and written, then the read that finds nothing left.
    assert statements == ["SELECT", "WITH", "SELECT"], statements


def test_a_value_saved_meanwhile_is_never_overwritten(contacts, new_ring):
    contact = contacts[1]
    version = KeyContact._base_manager.values_list("seal_version", flat=True).get(pk=contact.pk)
    before = _stored(contact.pk, "name")
    # The page saves the row between rotate_keys's read and its write.
    saved = KeyContact.objects.get(pk=contact.pk)
    saved.name = "Mr Newly Assigned"
    saved.save()
    stale = (before.token, "k2:stale-value-that-must-not-land")
    swapped, tried = _swap(KeyContact, FIELDS, [(contact.pk, version, [stale, None, None])])
    assert (swapped, tried) == (0, 1)
    assert KeyContact.objects.get(pk=contact.pk).name == "Mr Newly Assigned"


def test_a_value_changed_by_sql_is_left_and_the_others_swapped(contacts, new_ring):
    """Compare and swap is per value: the row's other values are still re-sealed."""
    contact = contacts[3]
    version = KeyContact._base_manager.values_list("seal_version", flat=True).get(pk=contact.pk)
    name, phone = _stored(contact.pk, "name"), _stored(contact.pk, "phone")
    swaps = [(name.token + "x", "k2:not-this"), (phone.token, "k2:this-one"), None]
    assert _swap(KeyContact, FIELDS, [(contact.pk, version, swaps)]) == (1, 2)
    assert _stored(contact.pk, "name") == name
    assert _stored(contact.pk, "phone").token == "k2:this-one"
