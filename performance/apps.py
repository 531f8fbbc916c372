from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Staff performance files (P18): read by the head teacher and the member of staff they are
    about, and by nobody else."""

    name = "performance"
