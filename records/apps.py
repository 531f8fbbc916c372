from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Students, their classes and assignments, and their confidential record in sections."""

    name = "records"

    def ready(self):
        from confidentiality import extensions

        from . import grants, panels  # noqa: F401  (connect signals, register panels)
        from .importing import access_report  # noqa: F401  (its dashboard panel)
        from .policy import (
            is_parent,
            is_school_staff,
            may_import,
            may_list_students,
            may_manage_sensitive_topics,
        )

        extensions.add_menu_entry(10, "Students", "records:student_list", may_list_students)
        extensions.add_menu_entry(70, "Import from the MIS", "records:import_home", may_import)
        extensions.add_menu_entry(12, "My children", "portal:home", is_parent)
        extensions.add_menu_entry(30, "Meeting requests", "records:meeting_list", is_school_staff)
        extensions.add_menu_entry(
            65, "Sensitive topics", "records:sensitive_topics", may_manage_sensitive_topics
        )
