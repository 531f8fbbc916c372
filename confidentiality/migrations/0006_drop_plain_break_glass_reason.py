"""The plain reason column goes, once 0005 has sealed every reason into its own table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("confidentiality", "0005_break_glass_reason_encrypted")]

    operations = [migrations.RemoveField(model_name="breakglassaccess", name="reason")]
