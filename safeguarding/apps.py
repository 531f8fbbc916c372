from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Concerns, their routing to the DSL, triage, referrals and the chronology (P1-P3)."""

    name = "safeguarding"
