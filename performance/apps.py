from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Staff performance files (P18): read by the head teacher and the member of staff they are
    about, and by nobody else."""

    name = "performance"

    def ready(self):
        from confidentiality import extensions

        from . import panels  # noqa: F401  (dashboard panels)
        from .policy import may_use_performance
        from .trail import hide_performance_from_trail

        extensions.add_menu_entry(50, "Performance", "performance:home", may_use_performance)
        extensions.audit_trail_filter(hide_performance_from_trail)
