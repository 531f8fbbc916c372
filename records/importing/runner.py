"""Reading an MIS export and applying it row by row, with a report of every row.

The shared part of every import: the file is checked as a whole first (is it text, is it CSV,
does it have the columns we need, does it have rows) and a bad file changes nothing. Then each
row is validated by its kind's form and applied in its own savepoint, so one bad row never leaves
half a change behind. The whole import runs in one transaction that is rolled back for a dry run,
and — when the school asks for all-or-nothing — if any row was rejected. Changes to registered
models leave audit entries through django-auditlog; a rolled-back import leaves none. A row that
gives access says so with ``Importer.grant``; an applied import's grants are audited and reported
to the DSL and the head teacher (``access_report``). Someone named in an open concern about an
adult runs no import, by any route.
"""

import csv
import io
import re
from abc import ABC, abstractmethod
from contextvars import ContextVar
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from confidentiality.identity import unsafe_characters

MAX_FILE_BYTES = 5 * 1024 * 1024
CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
# Applied only in part: what the import may not change (the email or roles of an account in use)
# differs from the MIS, and a person with the right decides in the application.
NEEDS_PERSON = "needs a person"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, NEEDS_PERSON, REJECTED)
DUPLICATE = (
    "another record already has this (an email address belongs to one account; a UPN to one "
    "student): nothing was changed"
)

# Who runs the import in progress (rows about their own account are refused).
importing_user: ContextVar = ContextVar("importing_user", default=None)
# The report of the import in progress, and the line being applied (for ``Importer.grant``).
_current: ContextVar = ContextVar("importing_report", default=None)


class BadFile(Exception):
    """The file as a whole cannot be imported; nothing was changed."""


class RowRejected(Exception):
    """This row cannot be applied; the message says why, in the school's words."""


@dataclass(frozen=True)
class Column:
    """One column of the export: the form field it feeds, the header we document, and other
    headers MIS products use for it. An optional column may be left out of the file."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass
class RowResult:
    line: int
    key: str
    outcome: str
    messages: list[str] = field(default_factory=list)

    def __str__(self):
        text = f"line {self.line}: {self.outcome}"
        if self.key:
            text += f" {self.key}"
        if self.messages:
            text += " — " + "; ".join(self.messages)
        return text


@dataclass
class Grant:
    """A row that gave someone access to a child's record or to other people's details (a parent
    linked with parental responsibility, a member of staff added to a class). After the import
    is applied each is written to the audit trail and the DSL and head teacher are told."""

    line: int
    description: str
    person: object = None
    student: object = None

    def __str__(self):
        return f"line {self.line}: {self.description}"


@dataclass
class Report:
    """What an import did (or, for a dry run or a refused all-or-nothing, would have done)."""

    kind: str
    filename: str
    dry_run: bool
    all_or_nothing: bool
    rows: list[RowResult] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    applied: bool = False
    grants: list[Grant] = field(default_factory=list)
    by: object = None

    def add(self, line, key, outcome, messages=()):
        self.rows.append(RowResult(line, key, outcome, list(messages)))

    @property
    def counts(self) -> dict[str, int]:
        return {o: sum(1 for r in self.rows if r.outcome == o) for o in OUTCOMES}

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == REJECTED]

    @property
    def summary(self) -> str:
        counts = ", ".join(f"{n} {o}" for o, n in self.counts.items())
        if self.dry_run:
            return f"Dry run: nothing was saved. It would have been: {counts}."
        if not self.applied:
            return (
                f"Nothing was imported: {len(self.rejected)} row(s) were rejected and you "
                f"asked for all or nothing. ({counts})"
            )
        return f"Imported: {counts}."

    def lines(self) -> list[str]:
        given = "gave" if self.applied else "would have given"
        return [
            self.summary,
            *(str(r) for r in self.rows),
            *(f"access {given}: {g}" for g in self.grants),
        ]


# --- reading the file ------------------------------------------------------------------------


def _normal(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", header.strip().lower())


def read_rows(data: bytes, columns: list[Column]):
    """``(rows, ignored_headers)``: rows are ``(line number, {field: text})``. Raises BadFile."""
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not data.strip():
        raise BadFile("The file is empty.")
    if data[:2] == b"PK" or b"\x00" in data[:4096]:
        raise BadFile(
            "This is not a CSV file (it looks like a spreadsheet or another binary file). "
            "Export it from the MIS as CSV."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadFile(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). Save or export "
            "it again as “CSV UTF-8”."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        wanted = {}
        for column in columns:
            for name in (column.header, *column.aliases):
                wanted[_normal(name)] = column
        found, ignored = {}, []
        for index, name in enumerate(header):
            column = wanted.get(_normal(name))
            if column is None:
                if name.strip():
                    ignored.append(name.strip())
                continue
            if column.field in found:
                raise BadFile(f"The column “{column.header}” appears twice in the first line.")
            found[column.field] = index
        missing = [c.header for c in columns if c.required and c.field not in found]
        if missing:
            expected = ", ".join(c.header for c in columns)
            raise BadFile(
                f"Missing column(s): {', '.join(missing)}. The first line of the file must name "
                f"the columns; this import expects: {expected}."
            )
        rows = []
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                rows.append((line, None))  # more values than columns: rejected with a reason
                continue
            rows.append(
                (
                    line,
                    {f: (values[i].strip() if i < len(values) else "") for f, i in found.items()},
                )
            )
    except csv.Error as error:
        raise BadFile(f"line {reader.line_num}: this is not valid CSV ({error}).") from None
    except StopIteration:
        raise BadFile("The file is empty.") from None
    if not rows:
        raise BadFile("The file names its columns but has no rows to import.")
    return rows, ignored


def describe_errors(form: forms.Form) -> list[str]:
    """Form errors as the school reads them: "date of birth '31/02/2015' is not a real date"."""
    messages = []
    for name, errors in form.errors.as_data().items():
        label = "" if name == "__all__" else str(form.fields[name].label).lower() + " "
        for error in errors:
            for message in ValidationError(error).messages:
                messages.append(f"{label}{message}")
    return messages


# --- applying ------------------------------------------------------------------------------


class Importer(ABC):
    """One kind of file. A subclass names its columns, its row form and how a valid row is
    applied: ``apply`` returns ``(outcome, details)`` or raises ``RowRejected``."""

    kind = ""
    label = ""
    description = ""
    columns: list[Column] = []
    form_class: type[forms.Form] = forms.Form

    @abstractmethod
    def key(self, data: dict) -> str:
        """What identifies the row's record (a UPN, a username) for the report and duplicates."""

    @abstractmethod
    def apply(self, data: dict) -> tuple[str, list[str]]:
        """Create or update from one valid row: ``(outcome, details)``, or raise RowRejected."""

    def grant(self, description: str, person=None, student=None) -> None:
        """Say that the row being applied gives access (``description`` in the school's words,
        e.g. "Office Staff added to class 3 Oak"). Kept only if the row and the import are
        applied; then audited and reported to the DSL and the head teacher."""
        current = _current.get()
        if current is None:
            return
        report, line = current
        report.grants.append(Grant(line, description, person, student))

    def run(self, data: bytes, filename="", dry_run=False, all_or_nothing=False, by=None) -> Report:
        """Import ``data`` (the file's bytes) on behalf of ``by``. Raises BadFile, having
        changed nothing. Someone named in an open concern about an adult imports nothing
        (P10): an import could otherwise change the people handling it."""
        from confidentiality import team

        if by is not None and team.refused(by):
            raise BadFile(team.REFUSAL)
        token = importing_user.set(by)
        try:
            report = self._run(data, filename, dry_run, all_or_nothing, by)
        finally:
            importing_user.reset(token)
        return report

    def _run(self, data: bytes, filename, dry_run, all_or_nothing, by=None) -> Report:
        from .access_report import report_grants

        rows, ignored = read_rows(data, self.columns)
        report = Report(
            self.kind, filename, dry_run, all_or_nothing, ignored_columns=ignored, by=by
        )
        seen: dict[str, int] = {}
        with transaction.atomic():
            for line, raw in rows:
                if raw is None:
                    report.add(line, "", REJECTED, ["has more values than the file has columns"])
                    continue
                form = self.form_class(data=raw)
                if not form.is_valid():
                    report.add(line, "", REJECTED, describe_errors(form))
                    continue
                key = self.key(form.cleaned_data)
                if key.lower() in seen:
                    report.add(line, key, REJECTED, [f"also on line {seen[key.lower()]}"])
                    continue
                seen[key.lower()] = line
                granted = len(report.grants)
                token = _current.set((report, line))
                try:
                    with transaction.atomic():  # a failing row leaves nothing behind
                        outcome, details = self.apply(form.cleaned_data)
                except RowRejected as error:
                    del report.grants[granted:]  # the row's grants went with it
                    report.add(line, key, REJECTED, [str(error)])
                    continue
                except IntegrityError:
                    # A unique rule of the database (one account per email, one UPN) caught
                    # what the row's checks did not, e.g. two imports at once: the row is
                    # rejected, never a server error.
                    del report.grants[granted:]
                    report.add(line, key, REJECTED, [DUPLICATE])
                    continue
                finally:
                    _current.reset(token)
                report.add(line, key, outcome, details)
            report.applied = not (dry_run or (all_or_nothing and report.rejected))
            if not report.applied:  # its grants are shown as what it would have given
                transaction.set_rollback(True)
            elif report.grants:
                report_grants(report)
        return report


def changed_fields(obj, values: dict, labels: dict) -> list[str]:
    """Set ``values`` on ``obj``; return the labels of those that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(labels.get(name, name.replace("_", " ")))
    return changed


# --- fields shared by the kinds --------------------------------------------------------------

TEXT_ERRORS = {
    "required": "is missing",
    "max_length": "is too long (at most %(limit_value)d characters)",
}


def no_unsafe_characters(value: str) -> None:
    """A name or title holds no line breaks, control characters or invisible / direction
    characters: they break the emails that name the person and make one name pass for
    another."""
    found = unsafe_characters(value)
    if found:
        raise ValidationError(
            "contains %(found)s, which a name cannot hold; correct it in the MIS and export again",
            params={"found": ", ".join(found)},
        )


class Text(forms.CharField):
    """A name or title from the file: plain text on one line."""

    default_validators = [no_unsafe_characters]

    def __init__(self, label, max_length=100, required=True):
        super().__init__(
            label=label, max_length=max_length, required=required, error_messages=TEXT_ERRORS
        )


class YesNoField(forms.Field):
    """“Yes”, “No”, “Y”, “N”, “True”, “False”, “1”, “0” as an MIS writes them."""

    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0", ""}

    def to_python(self, value):
        text = (value or "").strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValidationError("'%(value)s' should be Yes or No", params={"value": value})
