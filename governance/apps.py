from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """The governing body's meetings, public and confidential minutes, and the head teacher's
    report to governors (P16, P17)."""

    name = "governance"

    def ready(self):
        from confidentiality import extensions

        from . import grants, panels  # noqa: F401
        from .policy import may_read_governance

        extensions.add_menu_entry(55, "Governing body", "governance:meetings", may_read_governance)
