from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Students, their classes and assignments, and their confidential record in sections."""

    name = "records"

    def ready(self):
        from confidentiality import navigation

        from . import grants, panels  # noqa: F401  (connect signals, register panels)
        from .policy import may_list_students

        navigation.register(
            navigation.Entry(10, "Students", "records:student_list", may_list_students)
        )
