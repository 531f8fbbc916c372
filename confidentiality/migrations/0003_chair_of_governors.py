"""The chair of governors becomes an appointed role (a group) instead of a job title that any
import could write; a governor whose job title already says "chair" keeps the appointment.
An email address belongs to one account (case-insensitively), so a reset reaches one person."""

import django.db.models.functions.text
from django.db import migrations, models

CHAIR = "Chair of governors"
GOVERNOR = "Governor"


def appoint_existing_chair(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("confidentiality", "User")
    chair, _ = Group.objects.get_or_create(name=CHAIR)
    existing = (
        User.objects.filter(groups__name=GOVERNOR, is_active=True, job_title__icontains="chair")
        .order_by("pk")
        .first()
    )
    if existing is not None and not chair.user_set.exists():
        existing.groups.add(chair)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("confidentiality", "0002_agreements"),
    ]

    operations = [
        migrations.RunPython(appoint_existing_chair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="one_account_per_email",
            ),
        ),
    ]
