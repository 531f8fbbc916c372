"""The security review of imports and family links.

- A pupil's uploaded work keeps its original file name encrypted, like the file: existing names
  are sealed to their row here (a name is often the child's).
- A notice kind for "a new parent or carer was linked", and the record of links the school ended.
- The permission to end a parent or carer's link (the office and the safeguarding team); the
  office no longer assigns staff to children (it opens medical or SEN detail: an appointed
  person's decision), so its group loses that permission (the post-migrate sync only adds).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import confidentiality.crypto.fields
from confidentiality.crypto.keyring import DecryptionError, Sealed, keyring

OFFICE_GROUP = "Office staff"


def _context(pk) -> str:
    # As EncryptedField.context: the value is bound to its model, field and row.
    return f"records.workitem.original_name#{pk}"


def _schools_sealing_key(apps, ring) -> str:
    """The key the database records for new values (as every server seals with), or the ring's
    first key on a database that has never sealed anything: during a rotation, servers still on
    the old ring must open what this migration seals (as safeguarding 0007 does)."""
    recorded = (
        apps.get_model("confidentiality", "SealingKey")
        .objects.filter(pk=1)
        .values_list("key_id", flat=True)
        .first()
    )
    if recorded is not None and recorded not in ring:
        raise RuntimeError(
            f"FIELD_ENCRYPTION_KEYS lacks the school's sealing key {recorded!r}: run this "
            "migration with the ring rotate_keys was run with."
        )
    return recorded or ring.newest


def seal_original_names(apps, schema_editor):
    WorkItem = apps.get_model("records", "WorkItem")
    ring = keyring()
    key_id = _schools_sealing_key(apps, ring)
    rows = WorkItem._base_manager.exclude(original_name=None).values_list("pk", "original_name")
    for pk, raw in rows.iterator():
        try:  # already sealed (the migration was interrupted and run again)
            ring.open(raw, _context(pk), f"records.WorkItem.original_name (row {pk})")
            continue
        except DecryptionError:
            pass
        plaintext = raw.token  # a name written before this migration: plain text
        sealed = ring.seal(plaintext, _context(pk), key_id) if plaintext else None
        WorkItem._base_manager.filter(pk=pk).update(original_name=sealed)


def open_original_names(apps, schema_editor):
    WorkItem = apps.get_model("records", "WorkItem")
    ring = keyring()
    rows = WorkItem._base_manager.exclude(original_name=None).values_list("pk", "original_name")
    for pk, sealed in rows.iterator():
        name = ring.open(sealed, _context(pk), f"records.WorkItem.original_name (row {pk})")
        # The field is still the encrypted one in this state: hand it the text as a token.
        WorkItem._base_manager.filter(pk=pk).update(original_name=Sealed(name))


def office_stops_assigning(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office = Group.objects.filter(name=OFFICE_GROUP).first()
    assign = Permission.objects.filter(
        content_type__app_label="records", codename="assign_support"
    ).first()
    if office is not None and assign is not None:
        office.permissions.remove(assign)


def office_assigns_again(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office = Group.objects.filter(name=OFFICE_GROUP).first()
    assign = Permission.objects.filter(
        content_type__app_label="records", codename="assign_support"
    ).first()
    if office is not None and assign is not None:
        office.permissions.add(assign)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_family_share_decisions"),
        ("confidentiality", "0004_field_key_ring"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="student",
            options={
                "ordering": ["last_name", "first_name"],
                "permissions": [
                    ("view_medical_summary", "See allergies and emergency steps"),
                    ("view_medical", "See the full medical record"),
                    ("view_send", "See SEN support"),
                    ("view_family", "See personal and family circumstances"),
                    ("view_social_services", "See social-services involvement"),
                    ("view_protected", "See protected characteristics"),
                    ("record_learning", "Record grades, progress notes and work"),
                    (
                        "work_with_family",
                        "Answer the family's requests and ask for their permission",
                    ),
                    ("view_as_parent", "See as their parent or carer, in the parent portal"),
                    ("change_medical", "Edit the medical record"),
                    ("change_send", "Edit SEN support"),
                    ("change_family", "Edit personal and family circumstances"),
                    ("change_social_services", "Edit social-services involvement"),
                    ("change_protected", "Edit protected characteristics"),
                    ("import_mis", "Import students, contacts, classes and staff from the MIS"),
                    ("assign_support", "Assign teaching assistants and health professionals"),
                    (
                        "share_family",
                        "Share personal and family circumstances with a member of staff",
                    ),
                    ("end_parent_link", "End a parent or carer's link to the child"),
                ],
            },
        ),
        migrations.AlterField(
            model_name="familynotice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("message", "Message from the school"),
                    ("information_shared", "Information shared with another agency (P2)"),
                    ("carer_linked", "A new parent or carer was linked"),
                ],
                default="message",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="workitem",
            name="original_name",
            field=confidentiality.crypto.fields.EncryptedCharField(
                blank=True, editable=False, null=True, verbose_name="original file name"
            ),
        ),
        migrations.CreateModel(
            name="EndedParentLink",
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
                    "relationship",
                    models.CharField(
                        choices=[
                            ("mother", "Mother"),
                            ("father", "Father"),
                            ("step_parent", "Step-parent"),
                            ("grandparent", "Grandparent"),
                            ("foster_carer", "Foster carer"),
                            ("carer", "Carer"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("had_responsibility", models.BooleanField()),
                (
                    "reason",
                    confidentiality.crypto.fields.EncryptedTextField(
                        blank=True, null=True, verbose_name="why the link was ended"
                    ),
                ),
                (
                    "ended_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "student",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ended_parent_links",
                        to="records.student",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        # Data last, after every change of schema (PostgreSQL alters no table with pending
        # trigger events in the same transaction).
        migrations.RunPython(seal_original_names, open_original_names),
        migrations.RunPython(office_stops_assigning, office_assigns_again),
    ]
