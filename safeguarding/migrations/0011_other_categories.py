"""Concerns under more than one category: the other categories a concern also falls under, and
the categories as the person raising it chose them (kept for their own page when the team
corrects them), both sealed; and an index for the concern list's pages, newest first.

A concern raised before this change has neither (empty: no other category, and the author's
choice is its category until the team first corrects it, ``Concern.triage``)."""

from django.conf import settings
from django.db import migrations, models

import confidentiality.crypto.fields


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0010_profile_meetings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Added empty (an encrypted column takes no default from the database), then given the
        # default new concerns start with.
        migrations.AddField(
            model_name="concern",
            name="other_categories",
            field=confidentiality.crypto.fields.EncryptedJSONField(
                blank=True, null=True, verbose_name="other categories"
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="other_categories",
            field=confidentiality.crypto.fields.EncryptedJSONField(
                blank=True, default=list, null=True, verbose_name="other categories"
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="categories_as_raised",
            field=confidentiality.crypto.fields.EncryptedJSONField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="categories chosen by the person raising it",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="categories_as_raised",
            field=confidentiality.crypto.fields.EncryptedJSONField(
                blank=True,
                default=dict,
                editable=False,
                null=True,
                verbose_name="categories chosen by the person raising it",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(fields=["-created_at", "-id"], name="concern_newest_first"),
        ),
    ]
