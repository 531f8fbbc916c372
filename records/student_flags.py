"""Flags another app puts at the top of a student's page, for the people it decides.

Records never imports those apps (it knows nothing of safeguarding): an app registers a source,
``fn(student, user) -> list[Flag]``, from its ``AppConfig.ready``. A source decides who may know
of its flags and returns nothing for anyone else, so the page they see carries no trace that a
flag could exist: no text, no heading, no empty element (the template renders only the flags).
"""

from dataclasses import dataclass

SOURCES: list = []


@dataclass(frozen=True)
class Flag:
    """One line at the top of the record, with links on to where it comes from."""

    text: str
    links: tuple = ()  # ((label, url), ...)


def register(source):
    """Registering twice is harmless (``ready`` may run more than once in tests)."""
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def for_viewer(student, user) -> list[Flag]:
    """Every source's flags on ``student`` for ``user`` (the student already opened for them)."""
    return [flag for source in SOURCES for flag in source(student, user)]
