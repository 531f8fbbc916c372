"""The database records which key new values are sealed with (one row, set by ``rotate_keys``),
so a server with an older key ring refuses to seal instead of writing with a key that is about
to be dropped; and it keeps, instead of deleting, values a server could not open."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("confidentiality", "0003_chair_of_governors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SealingKey",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("key_id", models.CharField(max_length=50, verbose_name="key id")),
                ("set_at", models.DateTimeField(auto_now=True, verbose_name="set at")),
                ("set_by", models.CharField(blank=True, max_length=200, verbose_name="set by")),
            ],
            options={
                "verbose_name": "key new values are sealed with",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="one_sealing_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="SetAsideValue",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("set_aside_at", models.DateTimeField(auto_now_add=True)),
                (
                    "what",
                    models.CharField(
                        help_text="For example “safeguarding.concerndraft”.", max_length=100
                    ),
                ),
                ("field", models.CharField(max_length=100)),
                (
                    "context",
                    models.CharField(
                        help_text="What the ciphertext is bound to (model, field and row).",
                        max_length=250,
                    ),
                ),
                ("ciphertext", models.TextField()),
                ("key_id", models.CharField(db_index=True, max_length=50)),
                ("reason", models.CharField(max_length=300)),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        help_text="Whose value it was (for example the author of a draft).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-set_aside_at"]},
        ),
    ]
