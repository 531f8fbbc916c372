"""The school's starting list of sensitive topics (P19), each with its guidance; the head teacher
and the safeguarding team then keep the list on its page."""

from django.db import migrations

from records.lesson_guidance import add_school_topics


def add_topics(apps, schema_editor):
    add_school_topics(apps.get_model("records", "SensitiveTopic"))


class Migration(migrations.Migration):
    dependencies = [("records", "0010_lessons_and_sensitive_topics")]

    # Taking the list out again would take away what the school may have edited since: going
    # back leaves it, and the table goes with the migration before this one.
    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
