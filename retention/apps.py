from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """How long each kind of record is kept (P4), what is due for deletion, legal holds and the
    certificate of each deletion."""

    name = "retention"

    def ready(self):
        from confidentiality import extensions

        from . import panels  # noqa: F401  (the retention panel)
        from .kinds import register_the_schools_kinds
        from .policy import may_manage_retention

        register_the_schools_kinds()
        extensions.add_menu_entry(85, "Retention", "retention:report", may_manage_retention)
