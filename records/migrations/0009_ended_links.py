"""Two rules about parents' and carers' links.

- A link the school ended is given back only by the DSL's deliberate decision: who, when and why
  (encrypted) are kept with the ended link; until then no import re-creates it.
- When an adult gained parental responsibility (``ParentLink.responsibility_from``): notices for
  those with responsibility sent before it are not theirs. For existing links it cannot be
  known, so their last change stands in for it (never earlier than the truth). Data last, after
  the schema changes (PostgreSQL alters no table with pending trigger events).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import confidentiality.crypto.fields


def responsibility_from_last_change(apps, schema_editor):
    ParentLink = apps.get_model("records", "ParentLink")
    ParentLink._base_manager.filter(parental_responsibility=True).update(
        responsibility_from=models.F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0008_seal_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="endedparentlink",
            name="restore_reason",
            field=confidentiality.crypto.fields.EncryptedTextField(
                blank=True, null=True, verbose_name="why the link was restored"
            ),
        ),
        migrations.AddField(
            model_name="endedparentlink",
            name="restored_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="endedparentlink",
            name="restored_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="parentlink",
            name="responsibility_from",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(responsibility_from_last_change, migrations.RunPython.noop),
    ]
