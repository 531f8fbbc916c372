"""A child's family notices as the portal and the staff page list them: the school's messages
(``FamilyNotice``) and notices another app keeps itself.

Safeguarding keeps the P2 notice ("we have shared information about your child") with the
information share, linked to the child by a blind reference, so that no row of the database joins
a child to a share (H3). Records never imports safeguarding: an app registers a source,
``fn(student, *, parent=None, staff_permissions=None, link=None) -> list`` (``register``),
whose notices have ``title``, ``body``, ``created_at`` and ``sent_by``. Each source decides who
may read its notices (e.g. only parents with parental responsibility, only staff who may read
social-services detail). A source may also give each side as a queryset, so that the page reads
it with its other lists (``staff_lists``, ``parent_lists``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from confidentiality.page_lists import named_for, owned_by


@dataclass(frozen=True)
class Source:
    notices: Callable  # fn(student, *, parent=None, staff_permissions=None, link=None) -> list
    # Optional, so the child's page reads them with its other lists in one query: the rows
    # staff with ``permissions`` may read (a queryset, or None for none), and their notices.
    staff_rows: Callable | None = None
    as_notices: Callable | None = None
    # And the portal's: fn(student, parent, link) -> the rows this parent may read, or None.
    parent_rows: Callable | None = None


SOURCES: list[Source] = []


def register(source, *, staff_rows=None, as_notices=None, parent_rows=None):
    """``source`` lists its notices; ``staff_rows`` and ``as_notices``, given together, split
    the staff's side into a queryset and what its rows become (``staff_lists``); with
    ``parent_rows``, the parents' side too (``parent_lists``)."""
    if (staff_rows is None) != (as_notices is None):
        raise ValueError("staff_rows and as_notices come together")
    if parent_rows is not None and as_notices is None:
        raise ValueError("parent_rows needs as_notices")
    if all(known.notices is not source for known in SOURCES):
        SOURCES.append(Source(source, staff_rows, as_notices, parent_rows))
    return source


def _merged(notices, extra) -> list:
    return sorted([*notices, *extra], key=lambda n: n.created_at, reverse=True)


def parent_lists(student, user, link) -> dict:
    """The querysets of the sources that split their parents' side, named for ``for_parent``:
    to be read with the portal page's other lists. ``link``: the parent's link to the child."""
    lists = {}
    for number, source in enumerate(SOURCES):
        if source.parent_rows is not None:
            rows = source.parent_rows(student, user, link)
            lists.update(named_for(_owner(number), None if rows is None else {"rows": rows}))
    return lists


def for_parent(student, user, notices, link=None, read=None) -> list:
    """``notices`` (the school's messages this parent may read) and every source's: from
    ``read`` (the lists ``parent_lists`` named, already read) where a source split its side,
    else its own; ``link``, the parent's link to the child, when the page has read it."""
    extra = []
    for number, source in enumerate(SOURCES):
        if source.parent_rows is not None and read is not None:
            extra += source.as_notices(owned_by(_owner(number), read).get("rows", ()))
        else:
            extra += source.notices(student, parent=user, link=link)
    return _merged(notices, extra) if extra else list(notices)


def _owner(number: int) -> str:
    return f"notices of source {number}"


def staff_lists(student, permissions) -> dict:
    """The querysets of the sources that split their staff's side, named for ``for_staff``:
    to be read with the page's other lists."""
    lists = {}
    for number, source in enumerate(SOURCES):
        if source.staff_rows is not None:
            rows = source.staff_rows(student, permissions)
            lists.update(named_for(_owner(number), None if rows is None else {"rows": rows}))
    return lists


def for_staff(student, permissions, notices, read=None) -> list:
    """``notices`` (what this member of staff may read) and every source's: from ``read`` (the
    lists ``staff_lists`` named, already read) where a source split its side, else its own."""
    extra = []
    for number, source in enumerate(SOURCES):
        if source.staff_rows is not None and read is not None:
            extra += source.as_notices(owned_by(_owner(number), read).get("rows", ()))
        else:
            extra += source.notices(student, staff_permissions=permissions)
    return _merged(notices, extra) if extra else list(notices)
