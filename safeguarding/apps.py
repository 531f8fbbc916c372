from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Concerns, their routing to the DSL, triage, referrals and the chronology (P1-P3)."""

    name = "safeguarding"

    def ready(self):
        from confidentiality import navigation

        from . import grants, panels  # noqa: F401  (connect signals, register panels)
        from .policy import is_safeguarding_team, may_log_concern

        navigation.register(
            navigation.Entry(4, "Log a concern", "safeguarding:log_concern", may_log_concern)
        )
        navigation.register(
            navigation.Entry(5, "My concerns", "safeguarding:my_concerns", may_log_concern)
        )
        navigation.register(
            navigation.Entry(6, "Safeguarding", "safeguarding:dashboard", is_safeguarding_team)
        )
