"""Parents and carers from the MIS, linked to their children (P12, P13).

One row per contact and child: the contact's name, email (their sign-in), phone, relationship,
parental responsibility and contact priority, and the child's UPN. A contact is matched by email;
the link by contact and child. A parent account is created when the email is new; it has no
password until the school gives them one.
"""

from auditlog.models import LogEntry
from django import forms

from confidentiality import roles
from confidentiality.roles import Role
from records.models import ParentLink, Student

from .accounts import find_by_email, log_account, new_account
from .runner import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    RowRejected,
    Text,
    YesNoField,
    changed_fields,
)
from .students import UPNField

Relationship = ParentLink.Relationship
SYNONYMS = {
    "mum": Relationship.MOTHER,
    "mom": Relationship.MOTHER,
    "dad": Relationship.FATHER,
    "stepmother": Relationship.STEP_PARENT,
    "step mother": Relationship.STEP_PARENT,
    "stepfather": Relationship.STEP_PARENT,
    "step father": Relationship.STEP_PARENT,
    "grandmother": Relationship.GRANDPARENT,
    "grandfather": Relationship.GRANDPARENT,
    "foster mother": Relationship.FOSTER_CARER,
    "foster father": Relationship.FOSTER_CARER,
    "guardian": Relationship.CARER,
    "other relative": Relationship.OTHER,
}


class RelationshipField(forms.Field):
    def to_python(self, value):
        word = " ".join((value or "").strip().lower().replace("-", " ").replace("_", " ").split())
        if not word:
            return Relationship.OTHER
        for choice in Relationship:
            if word in {choice.value.replace("_", " "), choice.label.lower()}:
                return choice
        if word in SYNONYMS:
            return SYNONYMS[word]
        raise forms.ValidationError(
            "'%(value)s' is not a relationship (use one of: %(choices)s)",
            params={
                "value": value.strip(),
                "choices": ", ".join(c.label.lower() for c in Relationship),
            },
        )


class ContactRow(forms.Form):
    upn = UPNField(label="Pupil UPN")
    first_name = Text("Contact forename", max_length=150)
    last_name = Text("Contact surname", max_length=150)
    email = forms.EmailField(
        label="Email",
        error_messages={"required": "is missing", "invalid": "'%(value)s' is not an email address"},
    )
    phone = Text("Telephone", max_length=40, required=False)
    relationship = RelationshipField(label="Relationship", required=False)
    parental_responsibility = YesNoField(label="Parental responsibility", required=False)
    contact_priority = forms.IntegerField(
        label="Contact priority",
        min_value=1,
        max_value=20,
        required=False,
        error_messages={
            "invalid": "should be a whole number (1 is called first)",
            "min_value": "should be 1 or more",
            "max_value": "should be 20 or less",
        },
    )


LINK_LABELS = {
    "relationship": "relationship",
    "parental_responsibility": "parental responsibility",
    "contact_priority": "contact priority",
}
ACCOUNT_LABELS = {"first_name": "forename", "last_name": "surname", "phone": "telephone"}


class ContactImporter(Importer):
    kind = "contacts"
    label = "Contacts (parents and carers)"
    description = (
        "One row per contact and child, matched by the contact's email and the child's UPN. "
        "Import students first. New contacts get a parent account without a password."
    )
    form_class = ContactRow
    columns = [
        Column("upn", "Pupil UPN", ("upn", "child upn", "student upn")),
        Column("first_name", "Contact forename", ("forename", "first name", "contact first name")),
        Column("last_name", "Contact surname", ("surname", "last name", "contact last name")),
        Column("email", "Email", ("email address", "contact email")),
        Column("phone", "Telephone", ("phone", "mobile", "telephone number"), required=False),
        Column("relationship", "Relationship", ("relationship to pupil",), required=False),
        Column(
            "parental_responsibility",
            "Parental responsibility",
            ("pr", "has parental responsibility"),
            required=False,
        ),
        Column(
            "contact_priority", "Contact priority", ("priority", "priority order"), required=False
        ),
    ]

    def key(self, data):
        return f"{data['email'].lower()} for {data['upn']}"

    def apply(self, data):
        student = Student.objects.filter(upn=data["upn"]).first()
        if student is None:
            raise RowRejected(f"no student with UPN {data['upn']} (import students first)")
        parent, account_change = self._parent(data)
        link_values = {
            "relationship": data["relationship"] or Relationship.OTHER,
            "parental_responsibility": bool(data["parental_responsibility"]),
            "contact_priority": data["contact_priority"] or 1,
        }
        link = ParentLink.objects.filter(parent=parent, student=student).first()
        if link is None:
            ParentLink(parent=parent, student=student, **link_values).save()
            details = ["new parent account"] if account_change == "new" else []
            return CREATED, details
        changed = changed_fields(link, link_values, LINK_LABELS)
        if changed:
            link.save()
        changed = (account_change or []) + changed
        return (UPDATED, [f"changed {', '.join(changed)}"]) if changed else (UNCHANGED, [])

    def _parent(self, data):
        matches = find_by_email(data["email"])
        if len(matches) > 1:
            raise RowRejected(f"more than one account has the email {data['email']}")
        values = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "phone": data["phone"],
        }
        if not matches:
            email = data["email"].lower()
            parent = new_account(email, email=email, **values)
            parent.groups.add(roles.group_for(Role.PARENT))
            return parent, "new"
        parent = matches[0]
        if not parent.has_role(Role.PARENT) or parent.roles - {Role.PARENT}:
            # A parent account sees only its own children; a staff account must not double
            # as one (P13), so a member of staff who is also a parent needs a second account.
            raise RowRejected(
                f"{data['email']} belongs to an account that is not a parent's; a parent needs "
                "their own account"
            )
        before = {k: getattr(parent, k) for k in values}
        changed = changed_fields(parent, values, ACCOUNT_LABELS)
        if changed:
            parent.save()
            log_account(
                parent,
                LogEntry.Action.UPDATE,
                {k: [before[k], values[k]] for k in values if before[k] != values[k]},
            )
        return parent, changed
