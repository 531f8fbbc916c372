"""After the whole demo school is seeded, no encrypted column of any model holds plaintext, and
neither does the audit log (issue 3: "raw SQL reads of every encrypted column")."""

import re

from django.db import connection

from confidentiality.crypto.rotation import encrypted_models

# "<key id>$v2.<base64url>": sealed, and padded so its length does not say what it is.
SEALED = re.compile(r"^[A-Za-z0-9_-]+\$v2\.[A-Za-z0-9_-]+$")
# Phrases the demo school writes into encrypted fields, across records and safeguarding.
DEMO_PLAINTEXT = [
    "Peanuts",
    "Adrenaline pen",
    "Salbutamol",
    "J. Harper",
    "court order",
    "nobody at home talks to me",
    "no food at home",
    "Small-group phonics",
]


def _column_values(model, field):
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(field.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_no_encrypted_column_nor_the_audit_log_holds_plaintext(demo_school):
    checked_models, checked_values = 0, 0
    for model, fields in encrypted_models():
        checked_models += 1
        for field in fields:
            for value in _column_values(model, field):
                checked_values += 1
                where = f"{model._meta.label}.{field.name}"
                assert SEALED.match(value), f"{where} holds something that is not ciphertext"
                for phrase in DEMO_PLAINTEXT:
                    assert phrase not in value, f"{where} holds plaintext"
    # The demo writes into most encrypted models; make sure this test really looked.
    assert checked_models >= 15 and checked_values > 500

    # The audit log of the same seeding: masked changes, neutral object names.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_repr, changes_text, CAST(changes AS TEXT), "
            "CAST(additional_data AS TEXT) FROM auditlog_logentry"
        )
        rows = cursor.fetchall()
    assert len(rows) > 500
    dump = "\n".join(" ".join(str(col) for col in row) for row in rows)
    for phrase in DEMO_PLAINTEXT:
        assert phrase not in dump
