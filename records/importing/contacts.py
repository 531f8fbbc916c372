"""Parents and carers from the MIS, linked to their children (P12, P13).

One row per contact and child: the contact's name, email (their sign-in), phone, relationship,
parental responsibility and contact priority, and the child's UPN. A contact is matched by email;
the link by contact and child. A parent account is created when the email is new; it has no
password until the school gives them one. An address that matches an account in another name
needs a person (the account's owner may have put another family's address on it): the import
never links or renames it.

A link opens the child's portal, so the import is held to what its importer could do by hand:
never a row about the importer (their mailbox, their name, a child of their own parent
account), never an account that is not a parent's (a member of staff, the technician), never an
address that looks like another account's or the school's (``confidentiality.identity``) or
reaches a member of staff's mailbox. Every new link and every responsibility given is reported
to the DSL and the head teacher (``Importer.grant``), and the child's parents with
responsibility are told in the portal (``records.family_links``). The office ends a wrong link
on the child's page, and no import re-creates a link the school ended: only the DSL restores it.
While a child has an ended link not restored, a new adult (a new email, a new name) is linked to
them only by an import the DSL runs, signed in with two-factor; anyone else's row needs a person.
"""

from auditlog.models import LogEntry
from django import forms
from django.conf import settings

from confidentiality import roles
from confidentiality.identity import (
    is_mixed_script_lookalike,
    lookalike_of,
    mailbox,
    same_mailbox,
    skeleton,
    unsafe_characters,
)
from confidentiality.roles import Role
from records import family_links
from records.models import ParentLink, Student

from .accounts import find_by_email, log_account, new_account
from .runner import (
    CREATED,
    NEEDS_PERSON,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    RowRejected,
    Text,
    YesNoField,
    changed_fields,
    importing_user,
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
        "Import students first. New contacts get a parent account without a password. Each new "
        "link is reported to the DSL and the head teacher, and the child's parents with "
        "parental responsibility are told in the portal."
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
        importer = importing_user.get()
        self._refuse_about_importer(importer, student, data)
        self._refuse_unsafe(data)
        other_name = self._account_with_another_name(data)
        if other_name is not None:
            return NEEDS_PERSON, [f"{NEEDS_PERSON}: {other_name}"]
        held_back = self._held_back(student, data, importer)
        if held_back is not None:
            return NEEDS_PERSON, [f"{NEEDS_PERSON}: {held_back}"]
        parent, account_change = self._parent(data)
        link_values = {
            "relationship": data["relationship"] or Relationship.OTHER,
            "parental_responsibility": bool(data["parental_responsibility"]),
            "contact_priority": data["contact_priority"] or 1,
        }
        who = f"{parent.get_full_name() or parent.username} ({parent.email})"
        link = ParentLink.objects.filter(parent=parent, student=student).first()
        if link is None:
            try:
                link = family_links.link_parent(
                    parent=parent, student=student, by=importer, **link_values
                )
            except family_links.LinkWasEnded as ended:
                # The DSL or the office ended it (a court order, say): the MIS still lists the
                # adult, but no import gives the child's portal back (P12, P13).
                changed = ["changed " + ", ".join(account_change)] if account_change else []
                return NEEDS_PERSON, [*changed, f"{NEEDS_PERSON}: {ended}"]
            responsibility = (
                "with parental responsibility"
                if link.parental_responsibility
                else "without parental responsibility"
            )
            self.grant(
                f"{'new parent account ' if account_change == 'new' else ''}{who} linked to a "
                f"child as {link.get_relationship_display().lower()}, {responsibility}",
                person=parent,
                student=student,
            )
            if account_change == "new":
                return CREATED, ["new parent account"]
            # An account that already existed: the report never calls it "created".
            changed = ["changed " + ", ".join(account_change)] if account_change else []
            return UPDATED, [f"linked the existing account {who} to this child", *changed]
        given = link_values["parental_responsibility"] and not link.parental_responsibility
        changed = changed_fields(link, link_values, LINK_LABELS)
        if changed:
            link.save()
        if given:
            self.grant(
                f"{who} given parental responsibility for a child", person=parent, student=student
            )
        changed = (account_change or []) + changed
        return (UPDATED, [f"changed {', '.join(changed)}"]) if changed else (UNCHANGED, [])

    def _account_with_another_name(self, data) -> str | None:
        """Before anything is made, linked or renamed: an address matched to an account in
        someone else's name is no proof the account is this contact's (a parent may have put
        another family's address on their own account), so a person checks it."""
        matches = find_by_email(data["email"])
        if len(matches) != 1:
            return None
        account = matches[0]
        if not _is_parents(account):
            return None  # refused outright in ``_parent``: never a parent's link
        if _same_name(account.first_name, data["first_name"]) and _same_name(
            account.last_name, data["last_name"]
        ):
            return None
        return "the address belongs to an account with another name"

    def _held_back(self, student, data, importer):
        """Before any account is made or changed: why a new link of this row may not be made
        (an ended link, ``family_links.check_new_link``), or None. A contact already linked to
        the child is updated as before."""
        matches = find_by_email(data["email"])
        parent = matches[0] if len(matches) == 1 else None
        if (
            parent is not None
            and ParentLink.objects.filter(parent=parent, student=student).exists()
        ):
            return None
        try:
            family_links.check_new_link(parent=parent, student=student, by=importer)
        except family_links.LinkWasEnded as refusal:
            return refusal
        return None

    def _refuse_about_importer(self, importer, student, data) -> None:
        """Nobody imports themselves as a parent, nor a child they are linked to (P10, P13)."""
        if importer is None:
            return
        if same_mailbox(data["email"], importer.email):
            raise RowRejected(
                "this is your own email address: another member of staff must import it"
            )
        mine = ((importer.first_name or "").casefold(), (importer.last_name or "").casefold())
        if all(mine) and mine == (data["first_name"].casefold(), data["last_name"].casefold()):
            raise RowRejected("this contact has your name: another member of staff must import it")
        if ParentLink.objects.is_own_child(importer, student):
            raise RowRejected(
                "you are linked to this child as a parent or carer: another member of staff "
                "must import it"
            )

    def _refuse_unsafe(self, data) -> None:
        for name in ("first_name", "last_name", "email"):
            found = unsafe_characters(data[name])
            if found:
                raise RowRejected(
                    f"{ContactRow.base_fields[name].label.lower()} contains {found[0]}, which "
                    "has no place in a name or an address"
                )
        email = data["email"]
        if is_mixed_script_lookalike(email):
            raise RowRejected(
                f"“{email}” mixes alphabets with letters that imitate others (such as a Cyrillic "
                "“о” for “o”): it would pass for another address"
            )
        domain = email.rpartition("@")[2]
        school = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
        if school and skeleton(domain) == skeleton(school):
            raise RowRejected(
                f"{email} is (or looks like) one of the school's own addresses: a parent or "
                "carer needs their own address"
            )
        reached = mailbox(email)
        if reached != email.casefold() and any(
            not _is_parents(owner) for owner in find_by_email(reached)
        ):
            raise RowRejected(
                f"{email} is delivered to the mailbox of an account that is not a parent's: a "
                "parent or carer needs their own address"
            )

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
            imitated = lookalike_of(username=email, email=email)
            if imitated is not None:
                raise RowRejected(
                    f"“{data['email']}” looks like “{imitated}”, which is another account's or "
                    "the school's: it would pass for that person. Check the address with the "
                    "family"
                )
            parent = new_account(email, email=email, **values)
            parent.groups.add(roles.group_for(Role.PARENT))
            return parent, "new"
        parent = matches[0]
        if not _is_parents(parent):
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
                parent, LogEntry.Action.UPDATE, [k for k in values if before[k] != values[k]]
            )
        return parent, changed


def _same_name(first: str | None, second: str | None) -> bool:
    """The same name, case and extra spaces ignored."""
    return " ".join((first or "").split()).casefold() == " ".join((second or "").split()).casefold()


def _is_parents(account) -> bool:
    """An active account that is a parent's and nothing else: never a member of staff's, a
    governor's or the technician's (P13)."""
    return (
        account.is_active
        and not (account.is_staff or account.is_superuser)
        and account.roles == {Role.PARENT}
    )
