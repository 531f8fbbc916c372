"""Staff and other adults from the MIS: username, name, email, role(s) and job title.

Roles come from ``confidentiality.roles.Role``. The import adds and removes only everyday roles
(teacher, teaching assistant, office, volunteer, health professional, governor), and only
those the importer could arrange by hand (``GIVABLE``). The appointed roles
(``roles.APPOINTED_ROLES``: DSL, deputy DSL, head teacher, chair, clerk) are appointed in
the application, never given or taken by a file: otherwise whoever may import could make
themselves a deputy DSL or remove the chair handling a concern about them (P8, P10).

An import can never take over an account. It does not change the email or the roles of an
account that is in use (signed in, or has a password) nor of an appointed person, and it changes
nothing of an account holding a role the importer could not give (the office never re-addresses
a teacher's account): it reports the difference for a person with the right to act. It never
touches a parent's account (parents come from the contacts file), nor the importer's own account
or anyone sharing their email or name.
Look-alike usernames and addresses (``confidentiality.identity``) are refused. New accounts,
roles given and new sign-in addresses are reported to the DSL and the head teacher
(``access_report``).
"""

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from confidentiality import roles, team
from confidentiality.identity import (
    is_mixed_script_lookalike,
    lookalike_of,
    mailbox_skeleton,
    same_mailbox,
)
from confidentiality.roles import APPOINTED_ROLES, Role

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
    }
)
# Who may give which role by import: what each could arrange by hand in the application (P10).
# A teacher, teaching assistant, health professional or volunteer opens children's records, and
# the governing body's roles are the head teacher's and the safeguarding team's business: the
# office gives by hand none of them, so by import it may give only the office's own role.
GIVABLE = {
    Role.HEAD_TEACHER: MANAGED_ROLES,
    Role.DSL: MANAGED_ROLES,
    Role.DEPUTY_DSL: MANAGED_ROLES,
    Role.OFFICE_STAFF: frozenset({Role.OFFICE_STAFF}),
}
NEEDS_A_PERSON = "needs a person"


def givable_by(importer) -> frozenset:
    """The roles ``importer`` may give or take by import (all everyday roles when the import
    is run on the server without naming anyone)."""
    if importer is None:
        return MANAGED_ROLES
    found = frozenset()
    for role in importer.roles:
        found |= GIVABLE.get(role, frozenset())
    return found


in_use = team.in_use  # an account someone already signs in to: one definition, the core's


def is_parent_account(user) -> bool:
    return user.has_role(Role.PARENT) or user.children_links.exists()


def _labels(found) -> str:
    return ", ".join(sorted(Role(r).label for r in found)) or "none"


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
        importer = importing_user.get()
        username, email = data["username"], data["email"]
        user = User.objects.filter(username=username).first()
        if user is None:
            same = User.objects.filter(username__iexact=username).first()
            if same is not None:
                raise RowRejected(
                    f"the username differs only in capital letters from the account "
                    f"{same.username}: use that username, or a clearly different one"
                )
        self._refuse_about_importer(importer, user, data)
        others = [u for u in find_by_email(email) if u != user]
        if others:
            raise RowRejected(f"email {email} belongs to another account ({others[0]})")
        self._refuse_lookalikes(user, username, email)
        wanted = data["role"]
        held = user.roles & APPOINTED_ROLES if user is not None else frozenset()
        if (wanted & APPOINTED_ROLES) - held:
            raise RowRejected(
                "the DSL, deputy DSLs, head teacher, chair of governors and clerk are appointed "
                "in the application, not by import"
            )
        if user is not None and is_parent_account(user):
            raise RowRejected(
                "this is a parent's or carer's account: the staff import never changes it. A "
                "member of staff who is also a parent needs a separate staff account"
            )
        if user is None:
            return self._create(username, data, wanted & MANAGED_ROLES, importer)
        return self._update(user, data, wanted & MANAGED_ROLES, importer)

    def _refuse_about_importer(self, importer, user, data) -> None:
        """Nobody imports themselves, nor anyone sharing their email or their name (P10)."""
        if importer is None:
            return
        if user is not None and user.pk == importer.pk:
            raise RowRejected("this is your own account: another member of staff must import it")
        if same_mailbox(data["email"], importer.email):
            # Office+Supply@School.Invalid reaches the office's own mailbox (a reset for it too).
            raise RowRejected(
                "this is your own email address: another member of staff must import it"
            )
        names = (data["first_name"].casefold(), data["last_name"].casefold())
        mine = ((importer.first_name or "").casefold(), (importer.last_name or "").casefold())
        accounts = [names] + (
            [((user.first_name or "").casefold(), (user.last_name or "").casefold())]
            if user is not None
            else []
        )
        if all(mine) and mine in accounts:
            raise RowRejected("this row has your name: another member of staff must import it")

    def _refuse_lookalikes(self, user, username, email) -> None:
        """Refuse a username or email that would pass for another account's or the school's
        (review 9: "tа" with a Cyrillic "а" beside the real "ta")."""
        imitated = lookalike_of(
            username=username if user is None else None,
            email=email,
            exclude_pk=user.pk if user is not None else None,
        )
        if imitated is not None:
            value = email if mailbox_skeleton(email) == mailbox_skeleton(imitated) else username
            raise RowRejected(
                f"“{value}” looks like “{imitated}”, which is another account's or the "
                "school's: it would pass for that person. Use a clearly different one"
            )
        for value in (username, email):
            if is_mixed_script_lookalike(value):
                raise RowRejected(
                    f"“{value}” mixes alphabets with letters that imitate others (such as a "
                    "Cyrillic “а” for “a”): use plain letters"
                )

    def _create(self, username, data, wanted, importer):
        refused = wanted - givable_by(importer)
        if refused:
            raise RowRejected(
                f"you cannot give the role(s) {_labels(refused)} by import: the head teacher, "
                "the DSL or a deputy DSL imports them"
            )
        values = {k: data[k] for k in ("first_name", "last_name", "email", "job_title")}
        user = new_account(username, **values)
        self._sync_roles(user, wanted, announce=False)  # reported with the account
        self.grant(
            f"new account {username} ({user.get_full_name()}) with role(s) {_labels(wanted)}; "
            f"a first password can be set from {data['email']}",
            person=user,
        )
        return CREATED, [f"roles: {_labels(wanted)}"]

    def _update(self, user, data, wanted, importer):
        appointed = bool(user.roles & APPOINTED_ROLES)
        # P10: whoever could not give this account its roles does not change it either: a new
        # email on a teacher's never-used account would let the office set its first password
        # and sign in as a teacher.
        beyond = (user.roles & MANAGED_ROLES) - givable_by(importer)
        frozen = appointed or bool(beyond)
        protected = frozen or in_use(user)
        needs = []
        values = {k: data[k] for k in ("first_name", "last_name")}
        if data.get("job_title"):
            values["job_title"] = data["job_title"]
        if frozen:
            differ = [LABELS.get(k, k) for k, v in values.items() if getattr(user, k) != v]
            if differ:
                needs.append(f"{', '.join(differ)} differ from the MIS")
            values = {}
        email_changes = (user.email or "").casefold() != data["email"].casefold()
        if email_changes and protected:
            needs.append(
                f"email differs from the MIS ({data['email']}); if the MIS is right, the "
                "person changes it on their “Change my email address” page"
            )
        elif email_changes:
            values["email"] = data["email"]
        before = {k: getattr(user, k) for k in values}
        changes = changed_fields(user, values, {**LABELS, "job_title": "job title"})
        if changes:
            user.save()
            log_account(user, LogEntry.Action.UPDATE, [k for k in values if before[k] != values[k]])
        if "email" in changes:
            self.grant(
                f"sign-in address of {user.username} ({user.get_full_name()}) changed to "
                f"{data['email']}: a first password can be set from it",
                person=user,
            )
        user.refresh_roles()
        have = user.roles & MANAGED_ROLES
        if have != wanted and protected:
            needs.append(
                f"roles differ from the MIS (MIS: {_labels(wanted)}; account: {_labels(have)}); "
                "change them in the application if the MIS is right"
            )
            role_changes = []
        else:
            refused = (wanted ^ have) - givable_by(importer)
            if refused:
                raise RowRejected(
                    f"you cannot give or take the role(s) {_labels(refused)} by import: the "
                    "head teacher, the DSL or a deputy DSL imports them"
                )
            role_changes = self._sync_roles(user, wanted)
        done = changes + role_changes
        if needs and beyond and not appointed:
            needs.append(
                f"the account holds the role(s) {_labels(beyond)}, so the head teacher, the DSL "
                "or a deputy DSL imports it"
            )
        if needs:
            return NEEDS_PERSON, ([f"changed {', '.join(done)}"] if done else []) + [
                f"{NEEDS_A_PERSON}: {'; '.join(needs)} (nothing else was changed)"
            ]
        if done:
            return UPDATED, [f"changed {', '.join(done)}"]
        return UNCHANGED, []

    def _sync_roles(self, user, wanted, announce=True) -> list[str]:
        """Give and take the everyday roles so the account holds ``wanted``; appointed roles
        are neither given nor taken here."""
        user.refresh_roles()
        have = user.roles & MANAGED_ROLES
        add, remove = (wanted & MANAGED_ROLES) - have, have - wanted
        for role in add:
            user.groups.add(roles.group_for(role))
        for role in remove:
            user.groups.remove(roles.group_for(role))
        if add or remove:
            user.refresh_roles()
            log_account(user, LogEntry.Action.UPDATE, ["roles"])
        if add and announce:
            self.grant(
                f"{user.username} ({user.get_full_name()}) given the role(s) {_labels(add)}",
                person=user,
            )
        return [f"added role {r.label}" for r in sorted(add)] + [
            f"removed role {r.label}" for r in sorted(remove)
        ]
