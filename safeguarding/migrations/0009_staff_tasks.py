"""Tasks for staff: what the DSL tells the person an action is set for, whether to name the
child, the note they add when it is done, and each action's grant to that person (existing
actions included, so a task set before this change reaches its person too)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import confidentiality.crypto.fields


def grant_existing_tasks(apps, schema_editor):
    """Give the person each existing action is set for its task permission. The permission row
    is normally made after migrating (``post_migrate``); it is made here if it does not exist."""
    Action = apps.get_model("safeguarding", "Action")
    Grant = apps.get_model("safeguarding", "ActionUserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    action_type, _ = ContentType.objects.get_or_create(app_label="safeguarding", model="action")
    permission, _ = Permission.objects.get_or_create(
        content_type=action_type,
        codename="carry_out_action",
        defaults={"name": "See a safeguarding task set for them and record it done"},
    )
    for action_id, owner_id in Action.objects.values_list("pk", "owner_id"):
        Grant.objects.get_or_create(
            content_object_id=action_id, permission=permission, user_id=owner_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("safeguarding", "0008_seal_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="action",
            options={
                "ordering": ["done_at", "due_on"],
                "permissions": [
                    ("carry_out_action", "See a safeguarding task set for them and record it done")
                ],
            },
        ),
        migrations.AddField(
            model_name="action",
            name="brief",
            field=confidentiality.crypto.fields.EncryptedTextField(
                blank=True, null=True, verbose_name="what to tell them"
            ),
        ),
        migrations.AddField(
            model_name="action",
            name="done_note",
            field=confidentiality.crypto.fields.EncryptedTextField(
                blank=True, null=True, verbose_name="what was done"
            ),
        ),
        migrations.AddField(
            model_name="action",
            name="tell_which_child",
            field=models.BooleanField(default=False, verbose_name="tell them which child"),
        ),
        migrations.AlterField(
            model_name="alert",
            name="kind",
            field=models.CharField(
                choices=[
                    ("new_concern", "New concern"),
                    ("urgent_concern", "New urgent concern"),
                    ("escalated", "Urgent concern not yet acknowledged"),
                    ("overdue_action", "Action overdue"),
                    ("overdue_referral", "Referral past its statutory time"),
                    ("delivery_failed", "An email could not be delivered"),
                    ("advice_requested", "Request for advice"),
                    ("advice_answered", "Your request for advice was answered"),
                    ("adult_concern", "Concern about an adult"),
                    ("training_due", "Training or policy reading due"),
                    ("break_glass", "Emergency (break-glass) access used"),
                    ("task_set", "A safeguarding task for you"),
                    ("task_overdue", "Your safeguarding task is overdue"),
                    ("task_done", "Task done"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="ActionGroupObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="safeguarding.action"
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group"),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
            ],
            options={
                "abstract": False,
                "unique_together": {("group", "permission", "content_object")},
            },
        ),
        migrations.CreateModel(
            name="ActionUserObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="safeguarding.action"
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "abstract": False,
                "unique_together": {("user", "permission", "content_object")},
            },
        ),
        migrations.RunPython(grant_existing_tasks, migrations.RunPython.noop),
    ]
