"""The one table of the kinds of record the school keeps and how long (P4).

Every app's records are registered here as a ``RecordKind``: what it covers, the event the
clock starts from, the toolkit's default period and action, and how to find (and delete) the
records of that kind. Adding a kind later is one ``register(RecordKind(...))`` call from the app
that owns the records (as ``confidentiality.extensions`` is for menus and panels); the kinds of
the apps that existed when retention was built are registered in ``retention.kinds``.

The defaults are those of the Information and Records Management Society's toolkit for schools
(IRMS, 2019 edition); the head teacher and the DSL change them on the rules page, and the saved
rule (``RetentionRule``) wins over the default.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .models.rules import Action


@dataclass
class Found:
    """One record of a kind, as the report and the deletion run see it."""

    obj: object  # the row deleted (its cascade takes the rest of the record with it)
    starts_on: date  # the date of the event the clock starts from
    label: str  # how the report names it to those entitled to the name
    child: object = None  # the child the record is about (a hold on the child covers it)
    # The other children it also concerns (a concern in a child's file naming a brother): a hold
    # on any of them covers the record too, or deleting it would destroy what is held.
    also_about: tuple = ()
    waits_for: str = ""  # why it is kept past its date although no hold is placed on it


@dataclass(frozen=True)
class RecordKind:
    key: str  # stable: saved in rules, holds and certificates
    label: str
    covers: str  # what the kind covers, in the school's words
    clock: str  # the event the period is counted from
    years: int  # the toolkit's default period
    action: str  # the toolkit's default action (``Action``)
    toolkit: str  # where the default comes from
    order: int  # deletion order: a kind whose records others depend on goes later
    models: tuple[str, ...] = ()  # every model whose rows the kind covers ("app.model")
    find: Callable[[], Iterable[Found]] | None = None  # None: nothing to find (kept)
    delete: Callable | None = None  # fn(obj) -> rows removed; None: never deleted by a run
    shown_to: Callable = field(default=lambda user: False)  # who may see the records by name
    safeguarding: bool = False  # covered by a hold on every safeguarding record
    fixed: bool = False  # the law or the toolkit fixes it: not editable
    # The fewest years the law or the toolkit allows: a rule may be lengthened, never shortened
    # below it (else one person could set 0 years and let the next run destroy every file).
    least_years: int = 0

    @property
    def actions(self) -> list[tuple[str, str]]:
        """The actions the school may choose for this kind: deletion only where a run can
        delete the records safely."""
        allowed = [Action.REVIEW, Action.KEEP]
        if self.delete is not None:
            allowed.insert(0, Action.DELETE)
        return [(a.value, a.label) for a in allowed]


kinds: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Add a kind to the schedule (registering the same key again replaces it)."""
    kinds[kind.key] = kind
    return kind


def in_order() -> list[RecordKind]:
    return sorted(kinds.values(), key=lambda kind: (kind.order, kind.label))


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February in other years)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def end_of_school_year(day: date) -> date:
    """31 August of the school year ``day`` falls in: the toolkit's "current year" counts from
    there."""
    return date(day.year if day.month <= 8 else day.year + 1, 8, 31)
