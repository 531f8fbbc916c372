"""An index on the kind of each audit entry (``additional_data -> 'how'``) and its time.

Pages ask the log for the few entries of one kind: the imports that gave access in the last
fortnight (the DSL's and the head's dashboards), the changes of role (the team page), the sign-
ins and exports of the audit trail, the labels neutralised by retention (read by every check of
the chain). Without it each such question reads the newest entries one by one until it has
passed the whole period: 31 ms for the dashboard's fortnight in a school of 5,000,000 entries,
0.1 ms with it.

As ``0010``: auditlog's table, through the schema editor, on PostgreSQL only. It is built
without locking the log against writes (every page writes to it), so this migration runs
outside a transaction."""

from django.db import migrations, models
from django.db.models.fields.json import KeyTransform

NAME = "audit_entry_kind"


def _index():
    return models.Index(KeyTransform("how", "additional_data"), "timestamp", name=NAME)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A concurrent build that was interrupted leaves an invalid index of this name behind,
    # and the migration unrecorded: the next run builds it afresh.
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.add_index(apps.get_model("auditlog", "LogEntry"), _index(), concurrently=True)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("auditlog", "LogEntry"), _index(), concurrently=True)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("confidentiality", "0010_audit_entry_subject_index")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
