from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Students, their classes and assignments, and their confidential record in sections."""

    name = "records"

    def ready(self):
        from confidentiality import navigation

        from . import grants, panels  # noqa: F401  (connect signals, register panels)
        from .importing import access_report  # noqa: F401  (its dashboard panel)
        from .policy import is_parent, may_import, may_list_students

        navigation.register(
            navigation.Entry(10, "Students", "records:student_list", may_list_students)
        )
        navigation.register(
            navigation.Entry(70, "Import from the MIS", "records:import_home", may_import)
        )
        navigation.register(navigation.Entry(12, "My children", "portal:home", is_parent))
        navigation.register(
            navigation.Entry(
                30, "Meeting requests", "records:meeting_list", lambda u: u.is_school_staff
            )
        )
