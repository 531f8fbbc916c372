"""A copy of the database does not say which children have a child-protection file: the child of
a transfer, sent or received, becomes a blind link (``student_ref``, a keyed reference, and
``student_key``, the child's key sealed to the row), as every safeguarding record's child.

The references are computed with ``BLIND_INDEX_KEY`` and the keys sealed with the school's
sealing key, so both must be the production ones when this runs.
"""

import django.db.models.deletion
from django.db import migrations, models

import confidentiality.crypto.blind_index
import confidentiality.crypto.fields
from confidentiality.crypto.blind_index import blind_ref_of
from confidentiality.crypto.keyring import keyring

STUDENT = "records.student"
MODELS = ("transfer", "receivedtransfer")


def _sealing_key(apps):
    recorded = (
        apps.get_model("confidentiality", "SealingKey")
        .objects.filter(pk=1)
        .values_list("key_id", flat=True)
        .first()
    )
    return recorded or keyring().newest


def forwards(apps, schema_editor):
    key = _sealing_key(apps)
    for name in MODELS:
        model = apps.get_model("transfers", name)
        field = model._meta.get_field("student_key")
        for row in model.objects.all():
            sealed = keyring().seal(
                field.to_plaintext(str(row.student_id)), field.context(row), key
            )
            model.objects.filter(pk=row.pk).update(
                student_ref=blind_ref_of(STUDENT, row.student_id, f"transfers.{name}.student"),
                student_key=sealed,
            )


def backwards(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("transfers", name)
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(student_id=row.student_key)


class Migration(migrations.Migration):
    dependencies = [
        ("confidentiality", "0004_field_key_ring"),
        ("transfers", "0002_receivedrecord_recordtransfer"),
    ]

    operations = [
        *(
            operation
            for name in MODELS
            for operation in (
                migrations.AddField(
                    model_name=name,
                    name="student_ref",
                    field=confidentiality.crypto.blind_index.BlindRefField(
                        db_index=True, default="", editable=False, max_length=64
                    ),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name=name,
                    name="student_key",
                    field=confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="child"
                    ),
                ),
            )
        ),
        # The plain keys may be empty while the references are computed (and when going back).
        *(
            migrations.AlterField(
                model_name=name,
                name="student",
                field=models.ForeignKey(
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name=related,
                    to="records.student",
                ),
            )
            for name, related in (
                ("transfer", "child_protection_transfers"),
                ("receivedtransfer", "received_transfers"),
            )
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="transfer", name="student"),
        migrations.RemoveField(model_name="receivedtransfer", name="student"),
    ]
