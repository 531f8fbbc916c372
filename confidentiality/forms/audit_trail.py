"""The audit trail's filter: one record or one person's entries, by whom, what kind of record,
what was done, between which dates.

The person choice offers the people who work at the school, each once, grouped by role
(governors, health professionals and volunteers only once they have done something the trail
records); never the parents, who look only at their own children: they are offered only when
the trail shows one record, as the others who looked at it. A name typed in "Find a person"
narrows the choice (and the entries) on the server, so it works without JavaScript.
"""

from collections import Counter

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.utils.http import url_has_allowed_host_and_scheme

from confidentiality.audit import subject_keys
from confidentiality.audit.reading import about_object, resolve
from confidentiality.audit.words import ACTIONS
from confidentiality.forms.people import PersonShown, person_label
from confidentiality.forms.widgets import PlainSelect
from confidentiality.models.users import RoleGroupIds
from confidentiality.roles import Role

# The groups of the person choice, in this order; a person with several roles is in the first.
STAFF_GROUPS = (
    Role.DSL,
    Role.DEPUTY_DSL,
    Role.HEAD_TEACHER,
    Role.TEACHER,
    Role.TEACHING_ASSISTANT,
    Role.OFFICE_STAFF,
)
# Offered only once they have entries: they rarely open records.
OTHER_GROUPS = (
    Role.CHAIR_OF_GOVERNORS,
    Role.CLERK,
    Role.GOVERNOR,
    Role.HEALTH_PROFESSIONAL,
    Role.VOLUNTEER,
)
ACTION_CHOICES = [("", "Anything")] + [
    (str(action), words)
    for action, words in (
        (LogEntry.Action.ACCESS, "Viewed, printed, downloaded or exported"),
        (LogEntry.Action.UPDATE, "Changed"),
        (LogEntry.Action.CREATE, "Created"),
        (LogEntry.Action.DELETE, "Deleted"),
    )
]


def record_kinds() -> list[tuple[str, str]]:
    """The kinds of record the trail holds entries about: every audited model, and the
    accounts (looks at lists and account changes are entries about a person)."""
    models = {*auditlog.get_models(), get_user_model()}
    kinds = [(model._meta.label_lower, _capital(model._meta.verbose_name)) for model in models]
    return sorted(kinds, key=lambda kind: kind[1])


def _capital(words) -> str:
    words = str(words)
    return words[:1].upper() + words[1:]


def _name_matches(text: str) -> Q:
    condition = Q()
    for word in text.split():
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return condition


class TrailFilter(forms.Form):
    subject = forms.CharField(required=False, widget=forms.HiddenInput)
    object = forms.CharField(required=False, widget=forms.HiddenInput)
    back = forms.CharField(required=False, widget=forms.HiddenInput)
    find = forms.CharField(
        required=False,
        max_length=100,
        label="Find a person",
        help_text="Part of a name: the list of people below keeps only those who match.",
    )
    # Hundreds of staff: written without a template per option (``PlainSelect``).
    person = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Person", widget=PlainSelect
    )
    # Some sixty kinds of record: written the same way.
    record = forms.ChoiceField(required=False, label="Kind of record", widget=PlainSelect)
    action = forms.TypedChoiceField(
        required=False,
        choices=ACTION_CHOICES,
        coerce=int,
        empty_value=None,
        label="What was done",
        widget=PlainSelect,
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, readable=None):
        """``readable``: the entries this reader may see (for the people who looked at one
        record)."""
        super().__init__(data)
        self.readable = readable if readable is not None else LogEntry.objects.none()
        self.fields["record"].choices = [("", "Any")] + record_kinds()
        self.people = {}
        self.fields["person"].choices = self._people_choices()

    # --- the person choice -------------------------------------------------------------------

    def _raw(self, name: str) -> str:
        return (self.data.get(name) or "").strip() if self.is_bound else ""

    def _people_choices(self) -> list:
        User = get_user_model()
        find = self._raw("find")[:100]
        acted = Exists(LogEntry.objects.filter(actor=OuterRef("pk")))
        groups = {role: [] for role in (*STAFF_GROUPS, *OTHER_GROUPS)}
        names = {role.group_name: role for role in groups}
        # The people of the roles of the choice and (when the trail shows one record) whoever
        # else looked at it: two queries.
        about = self._about()
        looked = None
        if about is not None:
            looked = self.readable.filter(about).exclude(actor=None).filter(actor=OuterRef("pk"))
        # First who they can be, by key: each role's members (by the memberships' group index)
        # and, for one record, whoever looked at it. Asked inside the query of people, the
        # database joined every account of the school (60,000, most of them parents) to its
        # groups before narrowing: 40 ms.
        memberships = (
            User.groups.through.objects.filter(group__in=RoleGroupIds(groups))
            .order_by()
            .values_list("user_id", "group__name")
        )
        if about is not None:
            memberships = memberships.union(
                self.readable.filter(about)
                .exclude(actor=None)
                .order_by()
                .annotate(no_role=Value("", output_field=CharField()))
                .values_list("actor_id", "no_role")
            )
        role_names = {}
        for user_id, name in memberships:
            role_names.setdefault(user_id, set())
            if name in names:
                role_names[user_id].add(names[name])
        rows = (
            User.objects.filter(pk__in=sorted(role_names))
            .annotate(acted=acted, looked=Exists(looked) if looked is not None else Value(False))
            .filter(_name_matches(find))
            .order_by("last_name", "first_name", "username", "pk")
            # What a choice shows, as plain rows: not 800 accounts made whole on every look.
            .values_list(*PersonShown.ACCOUNT_COLUMNS, "acted", "looked")
        )
        people, held_by = [], {}
        for *shown, acted, looked in rows:
            person = PersonShown(*shown, group_names=None)
            person.acted, person.looked = acted, looked
            # A role counts for someone active, or who acted while they held it.
            held = role_names[person.pk] if person.is_active or person.acted else set()
            if held or person.looked:
                people.append(person)
                held_by[person.pk] = held
        placed = set()
        for person in people:
            held = held_by[person.pk]
            role = next((r for r in groups if r in held), None)
            if role is None or (role in OTHER_GROUPS and not person.acted):
                continue
            groups[role].append(person)
            placed.add(person.pk)
        offered = [(role.label, members) for role, members in groups.items() if members]
        # Only when the trail shows one record: whoever else looked at it (a parent at their own
        # child's record), from the entries this reader may see.
        others = [p for p in people if p.looked and p.pk not in placed]
        if others:
            offered.append(("Others who looked at this record", others))
        chosen = self._raw("person")
        # E.g. from an alert's link: shown whatever their role, but only someone this reader
        # sees at least one entry of (a made-up id names nobody, not even a parent).
        if (
            chosen.isdigit()
            and int(chosen) not in placed | {p.pk for p in others}
            and self.readable.filter(actor_id=int(chosen)).exists()
        ):
            offered.append(("Chosen", [User.objects.get(pk=int(chosen))]))
        labels = Counter(person_label(p) for _, members in offered for p in members)
        return [("", "Anyone")] + [
            (group, [self._option(person, labels) for person in members])
            for group, members in offered
        ]

    def _option(self, person, labels: Counter) -> tuple[int, str]:
        """One person, by name and job; with their username when another has the same."""
        label = person_label(person)
        if labels[label] > 1:
            label = f"{label} ({person.username})"
        self.people[person.pk] = person
        return person.pk, label

    # --- one record ---------------------------------------------------------------------------

    def _about(self) -> Q | None:
        """The entries of the record this filter is about, from the raw data (also before
        validation, for the person choice); None when it is about no record. Worked out once
        (a record's parts cost a query each)."""
        if "_about_condition" not in self.__dict__:
            subject, obj = self._raw("subject"), self._raw("object")
            condition = None
            if obj:
                found = resolve(obj)
                condition = about_object(*found) if found else Q(pk__in=[])
            elif subject:
                condition = Q(additional_data__subject__in=subject_keys(subject))
            self.__dict__["_about_condition"] = condition
        return self.__dict__["_about_condition"]

    def clean_back(self) -> str:
        """Where "Back" leads: a page of this site only (a path, never another host). Browsers
        drop tabs and line breaks inside a link, so ``/<tab>/evil.example`` would become
        ``//evil.example``: any control character or space refuses the value."""
        back = self.cleaned_data.get("back") or ""
        if not back.startswith("/") or any(ch.isspace() or ord(ch) < 32 for ch in back):
            return ""
        return back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) else ""

    def clean_object(self) -> str:
        value = self.cleaned_data.get("object") or ""
        if value and resolve(value) is None:
            raise forms.ValidationError("This record cannot be found.")
        return value

    # --- applying it --------------------------------------------------------------------------

    def apply(self, entries):
        data = self.cleaned_data
        about = self._about()
        if about is not None:
            entries = entries.filter(about)
        if data.get("person"):
            entries = entries.filter(actor_id=data["person"])
        elif data.get("find"):
            entries = entries.filter(actor__in=list(self.people))
        if data.get("record"):
            app_label, _, model = data["record"].partition(".")
            entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
        if data.get("action") is not None:
            entries = entries.filter(action=data["action"])
        if data.get("since"):
            entries = entries.filter(timestamp__date__gte=data["since"])
        if data.get("until"):
            entries = entries.filter(timestamp__date__lte=data["until"])
        return entries

    def about_the_record(self, entries) -> bool:
        """Whether any of ``entries`` is about the record this filter is about."""
        about = self._about()
        return about is not None and entries.filter(about).exists()

    def record_key(self) -> str:
        """The record (``object``) or person (``subject``) the filter is about, or ""."""
        return self.cleaned_data.get("object") or self.cleaned_data.get("subject") or ""

    def describe(self) -> str:
        """The filters other than the record, in words (for the export's own audit entry)."""
        data = self.cleaned_data
        parts = []
        if data.get("person"):
            person = self.people.get(data["person"])
            parts.append(f"by {person_label(person) if person else 'one person'}")
        elif data.get("find"):
            parts.append(f"by people whose name contains “{data['find']}”")
        if data.get("record"):
            parts.append(f"records: {dict(record_kinds()).get(data['record'], data['record'])}")
        if data.get("action") is not None:
            parts.append(ACTIONS.get(data["action"], "?"))
        if data.get("since"):
            parts.append(f"from {data['since']:%-d %b %Y}")
        if data.get("until"):
            parts.append(f"to {data['until']:%-d %b %Y}")
        return "; ".join(parts) or "everything"
