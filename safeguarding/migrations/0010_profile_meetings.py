"""A child's safeguarding profile (statuses, key adults and agencies), meetings about a child
and decisions not to refer: each linked to the child by a blind reference, never a key."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import confidentiality.crypto.blind_index
import confidentiality.crypto.fields


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0009_staff_tasks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseMeeting",
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
                    "student_ref",
                    confidentiality.crypto.blind_index.BlindRefField(
                        blank=True, db_index=True, editable=False, max_length=64
                    ),
                ),
                (
                    "student_key",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="child"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("strategy", "Strategy discussion"),
                            ("icpc", "Initial child protection conference"),
                            ("rcpc", "Review child protection conference"),
                            ("core_group", "Core group meeting"),
                            ("taf", "Team around the family (TAF) meeting"),
                            ("cin_review", "Child in need review"),
                            ("other", "Other multi-agency meeting"),
                        ],
                        max_length=20,
                        verbose_name="meeting",
                    ),
                ),
                ("held_at", models.DateTimeField(verbose_name="date and time")),
                (
                    "attendees",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="who attended (name, role, agency)"
                    ),
                ),
                (
                    "discussion",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="what was discussed"
                    ),
                ),
                (
                    "decisions",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="decisions and actions agreed"
                    ),
                ),
                ("next_on", models.DateField(blank=True, null=True, verbose_name="next meeting")),
                (
                    "concern",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meetings",
                        to="safeguarding.concern",
                        verbose_name="the concern it followed",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-held_at"],
            },
        ),
        migrations.CreateModel(
            name="DecisionNotToRefer",
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
                    "agency",
                    models.CharField(
                        choices=[
                            ("csc", "Children's social care"),
                            ("police", "Police"),
                            ("early_help", "Early help"),
                            ("lado", "Local authority designated officer (LADO)"),
                        ],
                        max_length=20,
                        verbose_name="referral considered",
                    ),
                ),
                (
                    "decided_on",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="date of the decision"
                    ),
                ),
                (
                    "reasoning",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="the reasons for not referring"
                    ),
                ),
                (
                    "consulted",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True,
                        null=True,
                        verbose_name="advice taken (e.g. the consultation line), if any",
                    ),
                ),
                (
                    "concern",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions_not_to_refer",
                        to="safeguarding.concern",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["decided_on", "created_at"],
            },
        ),
        migrations.CreateModel(
            name="KeyContact",
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
                    "student_ref",
                    confidentiality.crypto.blind_index.BlindRefField(
                        blank=True, db_index=True, editable=False, max_length=64
                    ),
                ),
                (
                    "student_key",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="child"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("social_worker", "Social worker"),
                            ("team_manager", "Social work team manager"),
                            ("police", "Police contact"),
                            ("school_nurse", "School nurse"),
                            ("health_visitor", "Health visitor"),
                            ("early_help", "Early help / family support worker"),
                            ("virtual_school", "Virtual school head"),
                            ("camhs", "CAMHS"),
                            ("youth_justice", "Youth justice worker"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "name",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="name"
                    ),
                ),
                (
                    "organisation",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="organisation or team"
                    ),
                ),
                (
                    "phone",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="telephone"
                    ),
                ),
                (
                    "email",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="email"
                    ),
                ),
                (
                    "notes",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True,
                        null=True,
                        verbose_name="notes (when to call, secure email, reference)",
                    ),
                ),
                (
                    "ended_on",
                    models.DateField(blank=True, null=True, verbose_name="no longer involved from"),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["role", "created_at"],
            },
        ),
        migrations.CreateModel(
            name="SafeguardingStatus",
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
                    "student_ref",
                    confidentiality.crypto.blind_index.BlindRefField(
                        blank=True, db_index=True, editable=False, max_length=64
                    ),
                ),
                (
                    "student_key",
                    confidentiality.crypto.fields.EncryptedCharField(
                        blank=True, null=True, verbose_name="child"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("cp_plan", "Child protection plan"),
                            ("cin", "Child in need"),
                            ("lac", "Looked-after child"),
                            ("early_help", "Early help"),
                            ("ehcp", "Education, health and care plan (EHCP)"),
                            ("young_carer", "Young carer"),
                            ("private_fostering", "Privately fostered"),
                            ("encompass", "Operation Encompass notification"),
                        ],
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "plan_category",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("physical", "Physical abuse"),
                            ("emotional", "Emotional abuse"),
                            ("sexual", "Sexual abuse"),
                            ("neglect", "Neglect"),
                        ],
                        max_length=10,
                        verbose_name="category of the plan",
                    ),
                ),
                ("started_on", models.DateField(verbose_name="since")),
                ("ended_on", models.DateField(blank=True, null=True, verbose_name="ended")),
                (
                    "note",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="note"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "safeguarding statuses",
                "ordering": ["-started_on", "-created_at"],
            },
        ),
    ]
