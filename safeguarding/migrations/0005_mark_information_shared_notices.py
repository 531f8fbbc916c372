"""P2: mark the portal notices written when information was shared, so that they show only to
the safeguarding team and to those with parental responsibility.

Their title and body are encrypted, so they are found by what ``record_share`` always did: the
notice and the share were saved together, for the same child, by the same person."""

from datetime import timedelta

from django.db import migrations

SAME_MOMENT = timedelta(minutes=1)


def mark(apps, schema_editor):
    InformationShare = apps.get_model("safeguarding", "InformationShare")
    FamilyNotice = apps.get_model("records", "FamilyNotice")
    shares = InformationShare.objects.filter(parents_notified_at__isnull=False)
    for share in shares.only("student_id", "shared_by_id", "parents_notified_at"):
        FamilyNotice.objects.filter(
            student_id=share.student_id,
            sent_by_id=share.shared_by_id,
            created_at__gte=share.parents_notified_at - SAME_MOMENT,
            created_at__lte=share.parents_notified_at + SAME_MOMENT,
        ).update(kind="information_shared")


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0004_break_glass_alerts"),
        ("records", "0004_family_notice_kind"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
