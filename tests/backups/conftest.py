"""What a backup must bring back, read the same way before and after: every table's rows, every
encrypted value opened, and the audit chain's head."""

import pytest
from django.apps import apps
from django.db import connection

from backups import manifest
from confidentiality.audit.chain import verify_head
from confidentiality.crypto.fields import encrypted_fields
from confidentiality.crypto.unreadable import Unreadable


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return manifest.row_counts(cursor, connection.vendor)


def every_encrypted_value() -> dict:
    """``{(model, row, field): plaintext}`` for every encrypted value in the database; fails on
    any value that does not open."""
    values = {}
    for model in apps.get_models():
        fields = [] if model._meta.proxy else encrypted_fields(model)
        for row in model._base_manager.all() if fields else []:
            for field in fields:
                value = getattr(row, field.attname)
                assert not isinstance(value, Unreadable), f"{field} of {row.pk} does not open"
                if value not in (None, ""):
                    values[(model._meta.label, str(row.pk), field.name)] = value
    return values


def audit_head():
    head, broken = verify_head()
    assert broken is None, broken
    return head


@pytest.fixture
def school(pupil, student_factory, dsl, head, teacher):
    """A small school with encrypted values in several tables and an audit trail."""
    from auditlog.models import LogEntry

    for n in range(3):
        student_factory(first_name=f"Sam{n}", last_name="Rivers")
    assert LogEntry.objects.exists(), "the school should have an audit trail to back up"
    return pupil
