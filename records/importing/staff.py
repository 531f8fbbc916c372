"""Staff and other adults from the MIS: username, name, email, role(s) and job title.

Roles come from ``confidentiality.roles.Role``. The import adds and removes only everyday roles
(teacher, teaching assistant, office, volunteer, health professional, governor, clerk). The roles
that open every child's record or every concern (DSL, deputy DSL, head teacher), and the chair of
governors, are appointed in the application, never by a file: otherwise whoever may import could
make themselves a deputy DSL (P8, P10). For the same reason an import never changes the email of
those accounts, nor the importer's own account, and never makes anyone a parent (parents come
from the contacts file).
"""

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from confidentiality import roles
from confidentiality.roles import Role

from .accounts import find_by_email, log_account, new_account
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

# Roles the staff file may give or take away.
MANAGED_ROLES = frozenset(
    {
        Role.TEACHER,
        Role.TEACHING_ASSISTANT,
        Role.OFFICE_STAFF,
        Role.VOLUNTEER,
        Role.HEALTH_PROFESSIONAL,
        Role.GOVERNOR,
        Role.CLERK,
    }
)
# Appointed in the application by the DSL or head teacher; an import keeps them as they are.
APPOINTED_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEAD_TEACHER})


SYNONYMS = {
    "ta": Role.TEACHING_ASSISTANT,
    "head": Role.HEAD_TEACHER,
    "headteacher": Role.HEAD_TEACHER,
    "deputy": Role.DEPUTY_DSL,
    "office": Role.OFFICE_STAFF,
    "admin": Role.OFFICE_STAFF,
    "nurse": Role.HEALTH_PROFESSIONAL,
    "school nurse": Role.HEALTH_PROFESSIONAL,
    "student teacher": Role.VOLUNTEER,
    "trainee teacher": Role.VOLUNTEER,
    "designated safeguarding lead": Role.DSL,
}


def parse_role(text: str) -> Role | None:
    word = " ".join(text.strip().lower().replace("_", " ").split())
    for role in Role:
        if word in {role.value.replace("_", " "), role.label.lower()}:
            return role
    return SYNONYMS.get(word)


class RolesField(forms.Field):
    def to_python(self, value):
        names = [n for n in (value or "").replace(",", ";").split(";") if n.strip()]
        if not names:
            raise ValidationError("is missing", code="required")
        found = set()
        for name in names:
            role = parse_role(name)
            if role is None:
                choices = ", ".join(r.value for r in Role if r != Role.PARENT)
                raise ValidationError(
                    "'%(value)s' is not a role (use one of: %(choices)s)",
                    params={"value": name.strip(), "choices": choices},
                )
            if role == Role.PARENT:
                raise ValidationError("'parent' is not a staff role: parents come from contacts")
            found.add(role)
        return frozenset(found)


class StaffRow(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={
            "required": "is missing",
            "invalid": "may contain only letters, digits and @ . + - _",
        },
    )
    first_name = Text("First name", max_length=150)
    last_name = Text("Last name", max_length=150)
    email = forms.EmailField(
        label="Email",
        error_messages={"required": "is missing", "invalid": "'%(value)s' is not an email address"},
    )
    role = RolesField(label="Role")
    job_title = Text("Job title", required=False)


LABELS = {"first_name": "first name", "last_name": "last name", "email": "email"}


class StaffImporter(Importer):
    kind = "staff"
    label = "Staff"
    description = (
        "Staff, volunteers, health professionals and governors, matched by username. Several "
        "roles are separated by “;”. The DSL is appointed in the application, never by import."
    )
    form_class = StaffRow
    columns = [
        Column("username", "Username", ("user name", "login")),
        Column("first_name", "First name", ("forename", "legal forename")),
        Column("last_name", "Last name", ("surname", "legal surname")),
        Column("email", "Email", ("email address", "work email")),
        Column("role", "Role", ("roles", "staff role")),
        Column("job_title", "Job title", ("title", "post"), required=False),
    ]

    def key(self, data):
        return data["username"]

    def apply(self, data):
        User = get_user_model()
        user = User.objects.filter(username=data["username"]).first()
        others = [u for u in find_by_email(data["email"]) if u != user]
        if others:
            raise RowRejected(f"email {data['email']} belongs to another account ({others[0]})")
        wanted = data["role"]
        importer = importing_user.get()
        if user is not None and importer is not None and user.pk == importer.pk:
            raise RowRejected("this is your own account: another member of staff must import it")
        held = user.roles & APPOINTED_ROLES if user is not None else frozenset()
        if (wanted & APPOINTED_ROLES) - held:
            raise RowRejected(
                "the DSL, deputy DSLs and head teacher are appointed in the application, "
                "not by import"
            )
        if held and data["email"].lower() != (user.email or "").lower():
            raise RowRejected(
                "the email of the DSL, a deputy DSL or the head teacher is changed in the "
                "application, not by import"
            )
        if "chair" in (data.get("job_title") or "").lower() and (
            user is None or (user.job_title or "").lower() != data["job_title"].lower()
        ):
            raise RowRejected("the chair of governors is designated in the application")
        values = {k: data[k] for k in ("first_name", "last_name", "email")}
        if data.get("job_title") or user is None:
            values["job_title"] = data.get("job_title", "")
        created = user is None
        if created:
            user = new_account(data["username"], **values)
            changes = []
        else:
            before = {k: getattr(user, k) for k in values}
            changes = changed_fields(user, values, {**LABELS, "job_title": "job title"})
            if changes:
                user.save()
                log_account(
                    user,
                    LogEntry.Action.UPDATE,
                    {k: [before[k], values[k]] for k in values if before[k] != values[k]},
                )
        role_changes = self._sync_roles(user, wanted)
        if created:
            return CREATED, [f"roles: {', '.join(sorted(r.label for r in wanted))}"]
        if changes or role_changes:
            return UPDATED, [f"changed {', '.join(changes + role_changes)}"]
        return UNCHANGED, []

    def _sync_roles(self, user, wanted) -> list[str]:
        user.refresh_roles()
        # Appointed roles (DSL, deputy, head) are neither given nor taken away here.
        have = user.roles & MANAGED_ROLES
        add, remove = (wanted & MANAGED_ROLES) - have, have - wanted
        for role in add:
            user.groups.add(roles.group_for(role))
        for role in remove:
            user.groups.remove(roles.group_for(role))
        if add or remove:
            user.refresh_roles()
            log_account(
                user,
                LogEntry.Action.UPDATE,
                {"roles": [sorted(r.value for r in have), sorted(r.value for r in user.roles)]},
            )
        return [f"added role {r.label}" for r in sorted(add)] + [
            f"removed role {r.label}" for r in sorted(remove)
        ]
