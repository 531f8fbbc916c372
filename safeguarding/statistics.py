"""Safeguarding statistics for governors (P17): numbers only, never a name or a reference.

Governors must see how safeguarding is going (the head teacher's termly report): concerns about
children by category and by term, the referrals about children made to outside agencies, and how
many people are up to date with their training.

The head teacher drafts the report, and an allegation may be about the head. So the figures
never count anything about an adult (concerns and allegations about staff or volunteers, and
every LADO referral, are reported to governors by the DSL separately), count a referral only once
it has been made, and cover only completed terms: a term's figures are fixed once it has ended,
so nothing the head can see moves while a concern is being handled.

A small number can point to a child ("the one concern of FGM this term"), so:

- **primary suppression**: any count from 1 to 4 is shown as "fewer than 5";
- **secondary suppression**: a total that would let a suppressed count be worked out (the total
  minus the counts shown) is not shown either. The rule is simple and safe: in a column with a
  suppressed count, the total is withheld.
- **zero stays 0**: a zero points to nobody, and "fewer than 5" for nothing at all would make
  governors think something happened.

Each table is laid out so that no total appears in two places (each term's total is only in its
own column), so one table cannot undo another's suppression. Tables are plain data
(``Table.as_dict``), kept with the report as governors were given them.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from .models import Concern, Referral
from .models.concerns import Category
from .models.training import people_who_train, requirements

THRESHOLD = 5
FEWER_THAN_5 = "fewer than 5"
WITHHELD = "not shown"  # a total withheld so a suppressed count cannot be worked out
ABOUT_ADULTS_NOTE = (
    "Concerns and allegations about adults are reported to governors by the DSL separately."
)


def shown(count: int):
    """A count as governors see it: 0 and 5 or more as they are, 1 to 4 as "fewer than 5"."""
    return FEWER_THAN_5 if 0 < count < THRESHOLD else count


def column_total(counts) -> int | str:
    """The total of a column, unless a count in it is suppressed (then it could be worked out:
    secondary suppression). A total that is itself small is suppressed like any count."""
    total = sum(counts)
    if any(0 < n < THRESHOLD for n in counts):
        return shown(total) if 0 < total < THRESHOLD else WITHHELD
    return total


# --- school terms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolTerm:
    """A school term: autumn (September to December), spring (January to March), summer (April
    to August). Half-terms and holidays fall inside these dates, so every day has one term."""

    name: str  # "autumn", "spring", "summer"
    school_year: str  # "2026/27"
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        return f"{self.name.title()} {self.school_year}"


def _school_year(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def term_of(day: date) -> SchoolTerm:
    if day.month >= 9:
        year = day.year
        return SchoolTerm("autumn", _school_year(year), date(year, 9, 1), date(year, 12, 31))
    year = day.year - 1
    if day.month <= 3:
        return SchoolTerm("spring", _school_year(year), date(day.year, 1, 1), date(day.year, 3, 31))
    return SchoolTerm("summer", _school_year(year), date(day.year, 4, 1), date(day.year, 8, 31))


def term_named(name: str, school_year: str) -> SchoolTerm:
    """The term called ``name`` ("autumn") in ``school_year`` ("2026/27")."""
    start = int(school_year[:4])
    first_day = {"autumn": date(start, 9, 1), "spring": date(start + 1, 1, 1)}.get(
        name, date(start + 1, 4, 1)
    )
    return term_of(first_day)


def term_before(term: SchoolTerm) -> SchoolTerm:
    return term_of(term.starts_on - timedelta(days=1))


def last_completed_term(term: SchoolTerm, today: date) -> SchoolTerm:
    """``term`` if it has ended by ``today``; otherwise the last term that has (the term before
    today's). The current term is never counted: its figures would move while people watch."""
    if term.ends_on < today:
        return term
    return term_before(term_of(today))


def terms_up_to(term: SchoolTerm, count: int = 3) -> list[SchoolTerm]:
    """``term`` and the ``count - 1`` terms before it, oldest first."""
    terms = [term]
    while len(terms) < count:
        terms.insert(0, term_before(terms[0]))
    return terms


# --- tables ------------------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    columns: list[str]  # the column headings after the row label
    rows: list[tuple[str, list]] = field(default_factory=list)
    totals: list | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "columns": self.columns,
            "rows": [[label, *cells] for label, cells in self.rows],
            "totals": self.totals,
            "note": self.note,
        }


def _in_term(queryset, term: SchoolTerm, on: str = "created_at"):
    return queryset.filter(**{f"{on}__date__gte": term.starts_on, f"{on}__date__lte": term.ends_on})


def concerns_by_category_and_term(terms: list[SchoolTerm]) -> Table:
    """Concerns about children logged in each term, by their main category."""
    counts = {t: {} for t in terms}
    for term in terms:
        rows = _in_term(Concern.objects.about_children(), term).values_list("category", flat=True)
        for code in rows:
            counts[term][code] = counts[term].get(code, 0) + 1
    table = Table(
        "Concerns about children, by category and term",
        [t.label for t in terms],
        note=f"Each concern is counted once, under its main category. {ABOUT_ADULTS_NOTE}",
    )
    for code, label in Category.choices:
        table.rows.append((label, [shown(counts[t].get(code, 0)) for t in terms]))
    table.totals = [column_total(list(counts[t].values())) for t in terms]
    return table


# The agencies a referral about a child goes to. The LADO is told about adults only, so it has no
# row: even a count of LADO referrals would tell the head teacher of an allegation about them.
CHILDREN_AGENCIES = [
    (code, label) for code, label in Referral.Agency.choices if code != Referral.Agency.LADO
]


def referrals_made_about_children():
    """Referrals about children that have been made (not those only decided on, such as the
    referral recorded when a concern is raised and nobody has phoned yet), never the LADO."""
    return Referral.objects.filter(
        made_at__isnull=False, concern__subject_kind=Concern.SubjectKind.STUDENT
    ).exclude(agency=Referral.Agency.LADO)


def referrals_by_agency(term: SchoolTerm) -> Table:
    """Referrals about children made in the term (by when they were made), by agency."""
    found = {}
    made = _in_term(referrals_made_about_children(), term, on="made_at")
    for agency in made.values_list("agency", flat=True):
        found[agency] = found.get(agency, 0) + 1
    table = Table(
        "Referrals about children to outside agencies",
        [term.label],
        note=f"Counted when the referral was made. {ABOUT_ADULTS_NOTE}",
    )
    for code, label in CHILDREN_AGENCIES:
        table.rows.append((label, [shown(found.get(code, 0))]))
    table.totals = [column_total([found.get(code, 0) for code, _ in CHILDREN_AGENCIES])]
    return table


def training_compliance(today: date | None = None) -> Table:
    """How many of the people who work with children are up to date with their safeguarding
    training and policy reading (nothing overdue), and how many are not."""
    today = today or timezone.localdate()
    behind = set()
    everyone = set()
    for need in requirements(people_who_train()):
        everyone.add(need.person.pk)
        if need.state(today) == "overdue":
            behind.add(need.person.pk)
    up_to_date = len(everyone) - len(behind)
    table = Table(
        "Safeguarding training and policy reading",
        [f"On {today:%d %b %Y}"],
        note="Up to date: child-protection training and this year's reading of the "
        "confidentiality and child-protection policies, none overdue.",
    )
    table.rows = [
        ("Up to date", [shown(up_to_date)]),
        ("Not up to date", [shown(len(behind))]),
    ]
    table.totals = [column_total([up_to_date, len(behind)])]
    return table


def for_governors(term: SchoolTerm, today: date | None = None) -> dict:
    """Every table governors are given with the report for ``term``, as plain data: concerns and
    referrals up to the last completed term (``term`` itself once it has ended)."""
    today = today or timezone.localdate()
    counted = last_completed_term(term, today)
    return {
        "term": term.label,
        "computed_on": today.isoformat(),
        "covers": (
            f"Concerns and referrals are counted for completed terms only, up to the "
            f"{counted.label} term: a term's figures are added once it has ended."
        ),
        "tables": [
            concerns_by_category_and_term(terms_up_to(counted)).as_dict(),
            referrals_by_agency(counted).as_dict(),
            training_compliance(today).as_dict(),
        ],
    }
