from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """The governing body's meetings, public and confidential minutes, and the head teacher's
    report to governors (P16, P17)."""

    name = "governance"
