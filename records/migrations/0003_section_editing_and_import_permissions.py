from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_families_learning_consent"),
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
                ],
            },
        ),
    ]
