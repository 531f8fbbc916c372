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


# A telephone number has at least this many digits (a UK number has 11): fewer, and what was set
# is a name without a number to call, or a fragment.
PHONE_DIGITS = 8


def _front_door_problem(front_door: str) -> str:
    """What is wrong with the front door as set, in a technician's words; empty when it will do."""
    if not front_door:
        return "is not set"
    if "example" in front_door.lower():
        return "is still the example shipped for development"
    if sum(character.isdigit() for character in front_door) < PHONE_DIGITS:
        return "has no telephone number in it"
    if not any(character.isalpha() for character in front_door):
        return "has a number but does not say whose it is"
    return ""


@checks.register(checks.Tags.security, deploy=True)
def childrens_services_front_door_is_set(app_configs, **kwargs):
    """Whoever logs an urgent concern is told to call 999 or the local children's social care
    front door when nobody from the safeguarding team can be found: in production that must be
    the school's real front door, with its name and number, never the development example."""
    if settings.DEBUG:
        return []
    front_door = (getattr(settings, "CHILDRENS_SERVICES_FRONT_DOOR", "") or "").strip()
    problem = _front_door_problem(front_door)
    if not problem:
        return []
    return [
        checks.Warning(
            f"CHILDRENS_SERVICES_FRONT_DOOR {problem}: staff who log an urgent concern when "
            "nobody from the safeguarding team can be found are not told which number to call "
            "for the local children's social care front door (MASH).",
            hint="Set the environment variable CHILDRENS_SERVICES_FRONT_DOOR to the front "
            "door's name and telephone numbers from the local safeguarding partnership, e.g. "
            "'Anytown children's social care front door: 0123 456 7890; out of hours "
            "0123 456 7000'.",
            id="safeguarding.W002",
        )
    ]
