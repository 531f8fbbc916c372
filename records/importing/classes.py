"""Classes and teaching groups from the MIS: name, year group, staff and pupils.

The file is the truth about each class it names: staff and pupils not listed leave the class,
and the grants that came from it go with them (P5, through ``records.grants``). Import staff and
students first; a class naming someone unknown is rejected, not half-applied.

A teacher or teaching assistant placed in a class reads its pupils' allergies, emergency steps
and SEN support, so a class that names the importer (or a child they are linked to as a parent) is
refused: nobody gives themselves a class (P10). The office, a volunteer or anyone else whose role
does not teach gains nothing by a place in a class (``policy.TEACHES_IN_CLASS``): an office
account the office created and put in a class reads nothing of its pupils. Everyone who joins a
class is reported to the DSL and the head teacher (``Importer.grant``).
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from confidentiality.roles import Role
from records.models import ParentLink, Student, TeachingGroup

from .runner import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    RowRejected,
    Text,
    importing_user,
)
from .students import YearGroupField

SEPARATORS = re.compile(r"[;,\s]+")


class ListField(forms.Field):
    def to_python(self, value):
        return [v for v in SEPARATORS.split(value or "") if v]


class ClassRow(forms.Form):
    name = Text("Class")
    year_group = YearGroupField(label="Year group")
    staff = ListField(label="Teachers", required=False)
    students = ListField(label="Pupil UPNs", required=False)


class ClassImporter(Importer):
    kind = "classes"
    label = "Classes"
    description = (
        "One row per class: its year group, its teachers and teaching assistants (usernames or "
        "emails, separated by “;”) and its pupils' UPNs (separated by “;”). Import staff and "
        "students first. A class that lists you is refused; staff added to a class are reported "
        "to the DSL and the head teacher."
    )
    form_class = ClassRow
    columns = [
        Column("name", "Class", ("class name", "group", "teaching group", "registration group")),
        Column("year_group", "Year group", ("year", "nc year")),
        Column("staff", "Teachers", ("teacher", "staff", "teacher usernames", "teacher emails")),
        Column("students", "Pupil UPNs", ("upns", "pupils", "students", "student upns")),
    ]

    def key(self, data):
        return data["name"]

    def apply(self, data):
        staff = self._staff(data["staff"])
        students = self._students(data["students"])
        self._refuse_about_importer(staff, students)
        group = TeachingGroup.objects.filter(name__iexact=data["name"]).first()
        if group is None:
            group = TeachingGroup.objects.create(name=data["name"], year_group=data["year_group"])
            group.staff.set(staff)
            group.students.set(students)
            self._report_joined(group, staff, len(students))
            return CREATED, [f"{len(staff)} staff, {len(students)} pupils"]
        already = set(group.staff.values_list("pk", flat=True))
        changes = []
        if group.year_group != data["year_group"]:
            group.year_group = data["year_group"]
            group.save()
            changes.append("year group")
        for relation, people, word in (
            (group.staff, staff, "staff"),
            (group.students, students, "pupils"),
        ):
            current = set(relation.values_list("pk", flat=True))
            wanted = {p.pk for p in people}
            if current != wanted:
                relation.set(people)  # only the difference is written; grants follow (P5)
                joined, left = len(wanted - current), len(current - wanted)
                changes.append(f"{word}: {joined} joined, {left} left")
        self._report_joined(group, [p for p in staff if p.pk not in already], len(students))
        return (UPDATED, [f"changed {'; '.join(changes)}"]) if changes else (UNCHANGED, [])

    def _refuse_about_importer(self, staff, students) -> None:
        """P10: nobody places themselves in a class, nor moves a child they are the parent of."""
        importer = importing_user.get()
        if importer is None:
            return
        if any(person.pk == importer.pk for person in staff):
            raise RowRejected(
                "this class lists you among its staff: another member of staff must import it"
            )
        if ParentLink.objects.is_own_child(importer, list(students)):
            raise RowRejected(
                "this class includes a child you are linked to as a parent or carer: another "
                "member of staff must import it"
            )

    def _report_joined(self, group, joined, pupils: int) -> None:
        for person in joined:
            self.grant(
                f"{person.get_full_name() or person.username} ({person.username}) added to "
                f"class {group.name} ({pupils} pupil{'s' if pupils != 1 else ''})",
                person=person,
            )

    def _staff(self, names):
        found, unknown = [], []
        for name in names:
            user = (
                get_user_model()
                .objects.filter(Q(username__iexact=name) | Q(email__iexact=name), is_active=True)
                .first()
            )
            # Volunteers and student teachers work in classes (they gain no record access by it,
            # see records.policy); governors, clerks and health professionals do not.
            if user is None or not (user.is_school_staff or user.has_role(Role.VOLUNTEER)):
                unknown.append(name)
            else:
                found.append(user)
        if unknown:
            raise RowRejected(
                f"no member of staff or volunteer with username or email {', '.join(unknown)} "
                "(import staff first)"
            )
        return found

    def _students(self, upns):
        upns = [u.upper() for u in upns]
        students = list(Student.objects.filter(upn__in=upns))
        missing = sorted(set(upns) - {s.upn for s in students})
        if missing:
            raise RowRejected(f"no student with UPN {', '.join(missing)} (import students first)")
        return students
