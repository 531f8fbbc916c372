"""A referral about a child is an information share (P2): whether the student and the parents
were told first, or why telling them would put the child at risk (encrypted); and the shares a
referral recorded, one per child it is about.

A referral recorded before this was asked keeps both empty, shown as "not recorded (before this
was asked)"; it records no share.
"""

import django.db.models.deletion
from django.db import migrations, models

import confidentiality.crypto.fields


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0011_other_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="informationshare",
            name="referral",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="shares",
                to="safeguarding.referral",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="parents_told",
            field=models.BooleanField(
                blank=True, null=True, verbose_name="the parents were told first"
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="reason_not_told",
            field=confidentiality.crypto.fields.EncryptedTextField(
                blank=True, null=True, verbose_name="why telling them would put the child at risk"
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="student_told",
            field=models.BooleanField(
                blank=True, null=True, verbose_name="the student was told first"
            ),
        ),
    ]
