"""The reason for an emergency (break-glass) access is encrypted: it often says what happened to
the child, and a copy of the database must not tie it to the child it opened. Existing reasons
are sealed into the new table, then the plain column is dropped (run ``migrate`` with the
production keys set). Audit entries written before keep what they hold: the log is append-only.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import confidentiality.crypto.fields


def seal_existing_reasons(apps, schema_editor):
    Grant = apps.get_model("confidentiality", "BreakGlassAccess")
    Reason = apps.get_model("confidentiality", "BreakGlassReason")
    for grant in Grant.objects.exclude(reason="").iterator():
        Reason.objects.get_or_create(grant=grant, defaults={"text": grant.reason})


def restore_plain_reasons(apps, schema_editor):
    Grant = apps.get_model("confidentiality", "BreakGlassAccess")
    Reason = apps.get_model("confidentiality", "BreakGlassReason")
    for reason in Reason.objects.select_related("grant").iterator():
        Grant.objects.filter(pk=reason.grant_id).update(reason=reason.text or "")


class Migration(migrations.Migration):
    dependencies = [("confidentiality", "0004_field_key_ring")]

    operations = [
        migrations.CreateModel(
            name="BreakGlassReason",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "seal_version",
                    models.PositiveIntegerField(db_default=0, default=0, editable=False),
                ),
                (
                    "text",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="reason"
                    ),
                ),
                (
                    "grant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sealed_reason",
                        to="confidentiality.breakglassaccess",
                    ),
                ),
            ],
            options={"abstract": False},
        ),
        migrations.RunPython(seal_existing_reasons, restore_plain_reasons),
        # Dropped in 0006, in a transaction of its own: PostgreSQL will not alter a table with
        # foreign-key checks pending from the rows written here.
        migrations.AlterField(
            model_name="breakglassaccess",
            name="reason",
            field=models.TextField(blank=True, default=""),
        ),
    ]
