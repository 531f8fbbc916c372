"""An index on the subject of each audit entry (``additional_data -> 'subject'``): "who has
seen this child" (``/audit/?subject=...``) reads the entries about one person out of a log of
years; without it, every such page reads the whole log.

auditlog's ``LogEntry`` is another app's model, so the index is made here, through the schema
editor on the right table (the same expression the filter compiles to). On PostgreSQL only:
SQLite (the demo's database) passes the JSON path of the filter as a parameter, and cannot
match a parameter against an index's expression, so an index there would cost every write
and serve no read (``EXPLAIN QUERY PLAN`` still scans)."""

from django.db import migrations, models
from django.db.models.fields.json import KeyTransform

NAME = "audit_entry_subject"


def _index():
    return models.Index(KeyTransform("subject", "additional_data"), name=NAME)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("auditlog", "LogEntry"), _index())


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("auditlog", "LogEntry"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("confidentiality", "0009_pipeline_heartbeat"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(add, remove, elidable=False)]
