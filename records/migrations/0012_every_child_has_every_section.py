"""Every child has one section of every kind (``sections.start_sections``): give each student
the sections they lack, empty, and seal the empty notes and details of the sections already
there, so a copy of the database tells no section from another by which rows exist or which
columns are NULL. Reversing it keeps the rows (empty sections read as "Nothing recorded")."""

from django.db import migrations

import records.models.sections

KINDS = ("medical", "sen", "family", "social_services", "protected")


def give_every_child_every_section(apps, schema_editor):
    Student = apps.get_model("records", "Student")
    RecordSection = apps.get_model("records", "RecordSection")
    have = set(RecordSection.objects.values_list("student_id", "kind"))
    missing = [
        RecordSection(student_id=pk, kind=kind, details={}, notes="")
        for pk in Student.objects.values_list("pk", flat=True).iterator(chunk_size=2000)
        for kind in KINDS
        if (pk, kind) not in have
    ]
    RecordSection.objects.bulk_create(missing, batch_size=1000)
    # Sections written before: an empty value was stored as NULL; seal it like any other.
    for section in RecordSection.objects.filter(notes__isnull=True).iterator(chunk_size=500):
        section.notes = ""
        section.save(update_fields=["notes"])
    for section in RecordSection.objects.filter(details__isnull=True).iterator(chunk_size=500):
        section.details = {}
        section.save(update_fields=["details"])


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0011_school_sensitive_topics"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recordsection",
            name="notes",
            field=records.models.sections.NotesField(blank=True, null=True, verbose_name="notes"),
        ),
        migrations.RunPython(give_every_child_every_section, migrations.RunPython.noop),
    ]
