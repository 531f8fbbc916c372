"""Start-up checks of the core's settings (Django's system checks, run by ``runserver``,
``migrate`` and ``manage.py check``).

``AGREEMENT_EXEMPT_URL_NAMES`` lets people who have not signed the confidentiality agreement
reach a few pages, above all logging a concern (P3: reporting is never blocked). A misspelt
name there would match nothing, and the page it meant would be gated without anyone noticing:
so every name must be one the site defines.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every URL name the site defines, each with its namespaces (``"two_factor:verify"``)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


@register(Tags.urls)
def agreement_exemptions_exist(app_configs=None, **kwargs) -> list[Error]:
    exempt = getattr(settings, "AGREEMENT_EXEMPT_URL_NAMES", ())
    unknown = sorted(set(exempt) - url_names())
    return [
        Error(
            f"AGREEMENT_EXEMPT_URL_NAMES names {name!r}, which is no URL name of the site.",
            hint="Correct the name (with its namespace, e.g. 'safeguarding:log_concern'), or "
            "remove it: the page it meant is behind the agreement gate until then.",
            obj="settings.AGREEMENT_EXEMPT_URL_NAMES",
            id="confidentiality.E001",
        )
        for name in unknown
    ]
