from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Encrypted, self-checking backups of the whole database, and their restore."""

    name = "backups"

    def ready(self):
        from . import checks, panels  # noqa: F401  (the key's check; the dashboard panel)
