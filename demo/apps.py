from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``seed_demo``: a small believable school to try the application with (``make run``)."""

    name = "demo"
    verbose_name = "Demo school"
