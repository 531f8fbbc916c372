"""P1: the yes/no "I told the student it may be passed on" becomes a choice with a true answer
for every situation (told / nothing was disclosed / not yet).

A ticked box meant the child was told. An unticked one was never a staff member's answer (the
form required the tick): it came from a concern about an adult or one logged from a request for
advice, so it becomes "not recorded" (blank) rather than a guess."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Concern = apps.get_model("safeguarding", "Concern")
    Concern.objects.filter(student_told_may_be_shared=True).update(child_told="told")


def backwards(apps, schema_editor):
    Concern = apps.get_model("safeguarding", "Concern")
    Concern.objects.filter(child_told="told").update(student_told_may_be_shared=True)


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0005_mark_information_shared_notices")]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="child_told",
            field=models.CharField(
                blank=True,
                choices=[
                    ("told", "I told the child it may be passed on"),
                    ("observation", "Nothing was disclosed by the child (an observation)"),
                    ("not_yet", "Not yet — I will tell the child when we next speak"),
                ],
                max_length=12,
                verbose_name="child told it may be passed on (P1)",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="concern", name="student_told_may_be_shared"),
    ]
