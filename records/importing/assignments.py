"""Staff assigned to individual children from the MIS: teaching assistants (1:1 support) and
health professionals (the school nurse, a therapist), P5 and P25.

One row per person, child and kind, matched on all three, so importing the same file again
changes nothing. A person is assigned only as what their role allows: a teacher cannot be a
child's health professional, a volunteer cannot be their teaching assistant. An optional “End”
column set to Yes ends an assignment. Import staff and students first; the grants follow from the
assignment (``records.grants``).

An assignment opens the child's medical record or SEN support, so it is the same appointed
decision as on the child's page (H1, ``SupportAssignment.check_decider``): a row that assigns is
applied only for the DSL, a deputy or the head teacher importing in the browser with a verified
second factor. On the command line (the technician) such rows are refused with a pointer to the
page; ending an assignment only takes access away and is allowed wherever importing is. Nobody
assigns themselves or to a child they are linked to, and every assignment is reported to the DSL
and the head teacher (``Importer.grant``).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from confidentiality import access
from records.models import ParentLink, Student, SupportAssignment
from records.policy import ASSIGN_SUPPORT

from .runner import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    RowRejected,
    YesNoField,
    importing_user,
)
from .students import UPNField

Kind = SupportAssignment.Kind
KIND_SYNONYMS = {
    "ta": Kind.TEACHING_ASSISTANT,
    "1:1": Kind.TEACHING_ASSISTANT,
    "one to one": Kind.TEACHING_ASSISTANT,
    "learning support assistant": Kind.TEACHING_ASSISTANT,
    "lsa": Kind.TEACHING_ASSISTANT,
    "nurse": Kind.HEALTH_PROFESSIONAL,
    "school nurse": Kind.HEALTH_PROFESSIONAL,
    "therapist": Kind.HEALTH_PROFESSIONAL,
    "health": Kind.HEALTH_PROFESSIONAL,
}


class KindField(forms.Field):
    def to_python(self, value):
        word = " ".join((value or "").strip().lower().replace("_", " ").replace("-", " ").split())
        if not word:
            raise ValidationError("is missing", code="required")
        for kind in Kind:
            if word in {kind.value.replace("_", " "), kind.label.lower()}:
                return kind
        if word in KIND_SYNONYMS:
            return KIND_SYNONYMS[word]
        raise ValidationError(
            "'%(value)s' is not a kind of assignment (use teaching assistant or health "
            "professional)",
            params={"value": value.strip()},
        )


class AssignmentRow(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "is missing"}
    )
    upn = UPNField(label="UPN")
    kind = KindField(label="Kind")
    end = YesNoField(label="End", required=False)


class AssignmentImporter(Importer):
    kind = "assignments"
    label = "Assignments (teaching assistants and health professionals)"
    description = (
        "One row per member of staff and child: their username, the child's UPN and the kind "
        "(teaching assistant or health professional, which must match their role). Put Yes in "
        "the optional End column to end an assignment. Import staff and students first. Only "
        "the DSL, a deputy or the head teacher imports assignments (each is reported to the DSL "
        "and the head teacher)."
    )
    form_class = AssignmentRow
    columns = [
        Column("username", "Username", ("user name", "login", "staff username")),
        Column("upn", "UPN", ("pupil upn", "student upn", "child upn")),
        Column("kind", "Kind", ("assignment", "assigned as", "type")),
        Column("end", "End", ("ended", "end assignment", "remove"), required=False),
    ]

    def key(self, data):
        return f"{data['username']} for {data['upn']} ({Kind(data['kind']).label.lower()})"

    def apply(self, data):
        importer = importing_user.get()
        if importer is not None and ASSIGN_SUPPORT not in access.role_permissions(importer):
            # The same right as the form on the student page: importing is no way round it.
            raise RowRejected(
                "you may not assign staff to children: the DSL or the head teacher does it"
            )
        staff = get_user_model().objects.filter(username__iexact=data["username"]).first()
        if staff is None:
            raise RowRejected(f"no account with username {data['username']} (import staff first)")
        student = Student.objects.filter(upn=data["upn"]).first()
        if student is None:
            raise RowRejected(f"no student with UPN {data['upn']} (import students first)")
        if ParentLink.objects.is_own_child(importer, student):  # P10
            raise RowRejected(
                "you are linked to this child as a parent or carer: another member of staff "
                "must import it"
            )
        current = SupportAssignment.objects.filter(
            staff=staff, student=student, kind=data["kind"]
        ).first()
        if data.get("end"):
            if current is None:
                return UNCHANGED, ["not assigned"]
            current.end()
            return UPDATED, ["assignment ended"]
        try:
            SupportAssignment.check_fits(staff=staff, kind=data["kind"], by=importer)
        except ValidationError as error:
            raise RowRejected(" ".join(error.messages)) from None
        if current is not None:
            return UNCHANGED, []
        if importer is None:
            raise RowRejected(
                "an assignment opens a child's medical or SEN record, so the DSL or the head "
                "teacher makes it, signed in with two-factor: on the child's page or the "
                "import page in the browser, not on the command line"
            )
        try:
            SupportAssignment.assign(student=student, staff=staff, kind=data["kind"], by=importer)
        except ValidationError as error:
            raise RowRejected(" ".join(error.messages)) from None
        kind = Kind(data["kind"]).label.lower()
        self.grant(
            f"{staff.get_full_name() or staff.username} ({staff.username}) assigned to a child "
            f"as {kind}",
            person=staff,
            student=student,
        )
        return CREATED, []
