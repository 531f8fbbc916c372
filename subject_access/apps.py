from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    """Subject-access requests (P4): a child's or parent's request for the child's file, answered
    within the month with third parties' information redacted."""

    name = "subject_access"
    verbose_name = "Subject access"

    def ready(self):
        from confidentiality import extensions

        from . import panels  # noqa: F401  (the deadline panel)
        from .policy import may_handle_requests
        from .retention import register_subject_access

        register_subject_access()

        extensions.add_menu_entry(
            65, "Subject access requests", "subject_access:home", may_handle_requests
        )
