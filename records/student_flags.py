"""Flags another app puts at the top of a student's page, for the people it decides.

Records never imports those apps (it knows nothing of safeguarding): an app registers a source,
``fn(student, user) -> list[Flag]``, from its ``AppConfig.ready``. A source decides who may know
of its flags and returns nothing for anyone else, so the page they see carries no trace that a
flag could exist: no text, no heading, no empty element (the template renders only the flags).
"""

from collections.abc import Callable
from dataclasses import dataclass

from confidentiality.page_lists import named_for, owned_by


@dataclass(frozen=True)
class Flag:
    """One line at the top of the record, with links on to where it comes from."""

    text: str
    links: tuple = ()  # ((label, url), ...)


@dataclass(frozen=True)
class Source:
    flags: Callable  # fn(student, user) -> list[Flag]
    # Optional, so the page reads them with its other lists in one query: the querysets this
    # person's flags are made from (a dict, or None when they are shown none), and the flags.
    lists: Callable | None = None
    from_lists: Callable | None = None


SOURCES: list[Source] = []


def register(source, *, lists=None, from_lists=None):
    """Registering twice is harmless (``ready`` may run more than once in tests). ``lists`` and
    ``from_lists``, given together, split the source in two (``lists_for``)."""
    if (lists is None) != (from_lists is None):
        raise ValueError("lists and from_lists come together")
    if all(known.flags is not source for known in SOURCES):
        SOURCES.append(Source(source, lists, from_lists))
    return source


def _owner(number: int) -> str:
    return f"flags of source {number}"


def lists_for(student, user) -> dict:
    """The querysets of the sources that split, named for ``for_viewer``: to be read with the
    page's other lists."""
    wanted = {}
    for number, source in enumerate(SOURCES):
        if source.lists is not None:
            wanted.update(named_for(_owner(number), source.lists(student, user)))
    return wanted


def for_viewer(student, user, read=None) -> list[Flag]:
    """Every source's flags on ``student`` for ``user`` (the student already opened for them),
    from ``read`` (what ``lists_for`` named, already read) where a source split."""
    flags = []
    for number, source in enumerate(SOURCES):
        if source.lists is None or read is None:
            flags += source.flags(student, user)
        elif own := owned_by(_owner(number), read):
            flags += source.from_lists(student, own)
    return flags
