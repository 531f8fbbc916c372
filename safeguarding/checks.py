"""Deployment checks of the safeguarding app (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def lado_contact_is_set(app_configs, **kwargs):
    """Whoever raises a concern about an adult is shown the local authority designated
    officer's contact, above all when nobody in school could be sent it: a school must set it."""
    if (getattr(settings, "LADO_CONTACT", "") or "").strip():
        return []
    return [
        checks.Warning(
            "LADO_CONTACT is not set: people raising a concern about an adult are not shown how "
            "to reach the local authority designated officer.",
            hint="Set LADO_CONTACT, e.g. 'Local authority designated officer: 01632 960000, "
            "lado@council.example'.",
            id="safeguarding.W001",
        )
    ]
