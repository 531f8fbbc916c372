"""The chair of governors becomes an appointed role (a group) instead of a job title that any
import could write; the one governor whose job title is exactly "Chair of governors" (or "Chair")
keeps the appointment. Anything else (a vice-chair, two such titles, none) appoints nobody: the
clerk appoints the chair on the Appointments page.
An email address belongs to one account (case-insensitively), so a reset reaches one person."""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower

CHAIR = "Chair of governors"
GOVERNOR = "Governor"
# Job titles that say a governor chairs the governing body, compared without case or spacing.
CHAIR_TITLES = frozenset({"chair of governors", "chair"})


def chair_by_job_title(governors):
    """The one governor of ``governors`` whose job title is a chair's (``CHAIR_TITLES``), or
    None. A title that merely contains "chair" ("Vice-chair", "Chair of the finance committee")
    is not the chair's, and two governors with the title leave the choice to the clerk."""
    chairs = [
        governor
        for governor in governors
        if " ".join((governor.job_title or "").split()).casefold() in CHAIR_TITLES
    ]
    return chairs[0] if len(chairs) == 1 else None


def appoint_existing_chair(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("confidentiality", "User")
    chair, _ = Group.objects.get_or_create(name=CHAIR)
    if chair.user_set.exists():
        return
    existing = chair_by_job_title(
        User.objects.filter(groups__name=GOVERNOR, is_active=True).distinct().order_by("pk")
    )
    if existing is not None:
        existing.groups.add(chair)


def shared_emails(users) -> dict[str, list[str]]:
    """The addresses (lower case, as the database compares them) that more than one account of
    ``users`` (a queryset) has, each with the usernames sharing it."""
    users = users.exclude(email="").annotate(folded=Lower("email"))
    shared = users.values("folded").annotate(accounts=Count("pk")).filter(accounts__gt=1)
    found: dict[str, list[str]] = {}
    for row in users.filter(folded__in=shared.values("folded")).order_by("folded", "username"):
        found.setdefault(row.folded, []).append(row.username)
    return found


class SharedEmails(Exception):
    pass


def refuse_shared_emails(apps, schema_editor):
    """Earlier imports let two accounts share an address in different capitals; the constraint
    below would then fail with a bare database error. Say which accounts, and what to do."""
    found = shared_emails(apps.get_model("confidentiality", "User").objects.all())
    if found:
        names = "; ".join(", ".join(usernames) for usernames in found.values())
        raise SharedEmails(
            "These accounts share an email address (ignoring capitals), so a password reset "
            f"could reach the wrong person: {names}. Give each account its own address, then "
            "migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("confidentiality", "0002_agreements"),
    ]

    operations = [
        migrations.RunPython(appoint_existing_chair, migrations.RunPython.noop),
        migrations.RunPython(refuse_shared_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="one_account_per_email",
            ),
        ),
    ]
