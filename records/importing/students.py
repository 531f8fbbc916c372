"""Students from the MIS: UPN, names, date of birth and year group, matched by UPN.

Nobody imports a child they are linked to as a parent or carer (P10): another member of staff
does."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from records.models import ParentLink, Student

from .runner import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    RowRejected,
    Text,
    changed_fields,
    importing_user,
)

UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
YEAR = re.compile(r"^(?:year|yr|y|nc)?\s*(\d{1,2})$")


class UPNField(forms.CharField):
    """A unique pupil number: a letter, eleven digits and a digit or letter (temporary UPNs)."""

    def __init__(self, label="UPN", **kwargs):
        super().__init__(label=label, error_messages={"required": "is missing"}, **kwargs)

    def clean(self, value):
        value = super().clean(value).replace(" ", "").upper()
        if not UPN.match(value):
            raise ValidationError(
                "'%(value)s' is not a UPN (a letter followed by 12 digits, or 11 digits and a "
                "letter for a temporary UPN)",
                params={"value": value},
            )
        return value


class SchoolDateField(forms.Field):
    """A date as the MIS writes it: DD/MM/YYYY (the UK way) or YYYY-MM-DD."""

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            raise ValidationError("is missing", code="required")
        if match := UK_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
        else:
            raise ValidationError(
                "'%(value)s' is not a date (write it as DD/MM/YYYY)", params={"value": text}
            )
        try:
            return date(year, month, day)
        except ValueError:
            raise ValidationError(
                "'%(value)s' is not a real date", params={"value": text}
            ) from None


class YearGroupField(forms.Field):
    """Reception (R) is year 0; then years 1 to 13. “Year 3”, “Y3” and “3” all mean 3."""

    def to_python(self, value):
        text = (value or "").strip().lower()
        if not text:
            raise ValidationError("is missing", code="required")
        if text in {"r", "rec", "reception", "year r"}:
            return 0
        match = YEAR.match(text)
        if match and 0 <= int(match.group(1)) <= 13:
            return int(match.group(1))
        raise ValidationError(
            "'%(value)s' is not a year group (use R for Reception, or 1 to 13)",
            params={"value": value.strip()},
        )


class StudentRow(forms.Form):
    upn = UPNField()
    first_name = Text("Legal forename")
    last_name = Text("Legal surname")
    preferred_name = Text("Preferred forename", required=False)
    date_of_birth = SchoolDateField(label="Date of birth")
    year_group = YearGroupField(label="Year group")

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise ValidationError(
                "'%(value)s' is in the future", params={"value": f"{born:%d/%m/%Y}"}
            )
        return born


LABELS = {
    "first_name": "legal forename",
    "last_name": "legal surname",
    "preferred_name": "preferred forename",
    "date_of_birth": "date of birth",
    "year_group": "year group",
}


class StudentImporter(Importer):
    kind = "students"
    label = "Students"
    description = "Children on roll, matched by UPN: a new UPN adds a child, a known one updates."
    form_class = StudentRow
    columns = [
        Column("upn", "UPN", ("unique pupil number", "pupil upn")),
        Column("first_name", "Legal forename", ("forename", "first name", "legal first name")),
        Column("last_name", "Legal surname", ("surname", "last name", "family name")),
        Column(
            "preferred_name",
            "Preferred forename",
            ("preferred name", "known as", "preferred first name"),
            required=False,
        ),
        Column("date_of_birth", "Date of birth", ("dob", "birth date")),
        Column("year_group", "Year group", ("year", "nc year", "national curriculum year")),
    ]

    def key(self, data):
        return data["upn"]

    def apply(self, data):
        values = {k: data[k] for k in LABELS}
        student = Student.objects.filter(upn=data["upn"]).first()
        if student is None:
            Student(upn=data["upn"], **values).save()
            return CREATED, []
        importer = importing_user.get()
        if ParentLink.objects.is_own_child(importer, student):  # P10
            raise RowRejected(
                "you are linked to this child as a parent or carer: another member of staff "
                "must import it"
            )
        changed = changed_fields(student, values, LABELS)
        if not changed:
            return UNCHANGED, []
        student.save()  # encrypted fields are sealed on save, never .update()d
        return UPDATED, [f"changed {', '.join(changed)}"]
