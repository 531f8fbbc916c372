"""Narrowing the team's list of concerns (P3): by child, category, status, level, urgency, the
person assigned, who raised it and when; in what order; and saying in words what was chosen
(on the page, in the audit entry of a look or an export).

A child is found by name or UPN among the children on roll, then their concerns through the
blind index (``Concern.objects.about_any``): the concern never holds a plain key to the child.
What was typed to find a child is never written into the audit log (a child's name next to "the
safeguarding team searched concerns" would say what the blind index keeps from a copy of the
database); the entry says only that the list was narrowed to a child.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import F, Q, Value
from django.utils import timezone

from confidentiality.forms import PersonChoiceField
from confidentiality.forms.people import PersonShown, with_group_names
from confidentiality.models.users import role_group_ids
from confidentiality.roles import MAY_LOG_CONCERN, SCHOOL_STAFF
from records.models import Student

from ..models import Action, Category, Concern, Referral
from .fields import DATE

# More children than this matching the name typed: the search is too wide to mean one child.
MOST_CHILDREN_MATCHED = 100
# Words of a name looked at (first, middle, last, and one to spare).
MOST_WORDS = 4


class About:
    CHILDREN = "children"
    ADULTS = "adults"
    CHOICES = [
        ("", "Children and adults"),
        (CHILDREN, "Concerns about children"),
        (ADULTS, "Concerns about adults routed to you"),
    ]


class StatusChoice:
    """The concern's own statuses, and the two groups the dashboard counts."""

    OPEN = "open"  # anything but closed
    UNDER_WAY = "under_way"  # acknowledged or in progress: the dashboard's "open cases"
    CHOICES = [
        ("", "Any status"),
        (OPEN, "Open (not closed)"),
        (UNDER_WAY, "Acknowledged or in progress"),
        *Concern.Status.choices,
    ]


NO_LEVEL = "none"
NOT_A_CHOICE = "That is not one of the choices: choose one from the list."


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    URGENCY = "urgency"
    STATUS = "status"
    CHOICES = [
        (NEWEST, "Newest first"),
        (OLDEST, "Oldest first"),
        (URGENCY, "Urgent first, then newest"),
        (STATUS, "By status (new first), then newest"),
    ]


def children_matching(text: str):
    """The children on roll whose name or UPN matches every word typed."""
    children = Student.objects.all()
    for word in text.split()[:MOST_WORDS]:
        children = children.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(upn__iexact=word)
        )
    return children


def staff_and(*extra_people, roles=MAY_LOG_CONCERN):
    """People in these roles today, and whoever else is given (e.g. a member of staff who has
    left but raised a concern still on file): each once, by name. Never a parent: the extra
    people come from the concerns' own staff columns."""
    people = get_user_model().objects
    wanted = Q(pk__in=people.with_roles(*roles).values("pk"))
    for more in extra_people:
        wanted |= Q(pk__in=more)
    return people.filter(wanted).order_by("last_name", "first_name", "username")


# The people on file change when someone raises their first concern or leaves, so a reader's
# lists are kept for a while: staff in post are offered whatever the list holds (staff_and), so
# a stale list can only miss, for a few minutes, someone who has left since.
PEOPLE_ON_FILE_SECONDS = 600


def people_on_file(concerns, reader=None) -> tuple[list, list]:
    """``_people_on_file``, kept per reader (whose concerns differ: never one's own case)."""
    if reader is None:
        return _people_on_file(concerns)
    key = f"safeguarding.concern_list.people_on_file.{reader.pk}"
    found = cache.get(key)
    if found is None:
        found = _people_on_file(concerns)
        cache.set(key, found, PEOPLE_ON_FILE_SECONDS)
    return found


def _people_on_file(concerns) -> tuple[list, list]:
    """The people who raised one of ``concerns``, and those it is assigned to or who own one
    of its actions: their ids, distinct, read in one query. A school's concerns run to
    hundreds of thousands while its staff are a few hundred, so the ids are read first; asking
    for "every person who raised one of these" inside the query of people made the database
    look through the concerns once per person (minutes for the largest school)."""
    actions = Action.objects.filter(concern__in=concerns.values("pk"))

    def ids(rows, column, is_raiser):
        return (
            rows.order_by()
            .annotate(raiser=Value(is_raiser), person=F(column))
            .values_list("raiser", "person")
        )

    rows = (
        ids(concerns, "raised_by", True)
        .union(
            ids(concerns.exclude(assigned_to=None), "assigned_to", False),
            ids(actions, "owner", False),
        )
        .order_by()
    )  # not the concerns' own order, which names a column the union lacks
    raised, handling = [], []
    for is_raiser, person in rows:
        if person is not None:
            (raised if is_raiser else handling).append(person)
    return raised, handling


class _PeopleOffered:
    """The people of both lists of the form, fetched once, when the form is first shown, each
    marked with the lists they belong in: ``(people on file, roles)`` for each list, as
    ``staff_and`` takes them."""

    def __init__(self, raisers: tuple, handlers: tuple):
        self.raisers, self.handlers = raisers, handlers
        self._people = None
        # Each person's label, worked out once for both lists however often they are listed
        # (both fields name people alike: ``PersonChoiceField.label_from_instance``).
        self._labels = {}

    def _fetch(self):
        """Two queries: who holds the roles (from the memberships alone), then everyone listed
        with their groups' names. One query asking both at once read every account of the
        school (60,000, most of them parents) four times over: 0.1 s."""
        if self._people is None:
            people = get_user_model().objects
            wanted = {
                flag: (set(on_file), set(role_group_ids(roles, people.db)))
                for flag, (on_file, roles) in (
                    ("may_raise", self.raisers),
                    ("may_handle", self.handlers),
                )
            }
            groups = set().union(*(ids for _, ids in wanted.values()))
            holding = {}
            for user_id, group_id in people.model.groups.through.objects.filter(
                group_id__in=groups
            ).values_list("user_id", "group_id"):
                holding.setdefault(user_id, set()).add(group_id)
            listed = set(holding).union(*(on_file for on_file, _ in wanted.values()))
            # Only what a choice shows (a name, a job title, the roles), as plain rows: not
            # the whole account, nor a model instance, for each of 800 people on every look.
            self._people = list(
                PersonShown.read(
                    with_group_names(people.filter(pk__in=listed)).order_by(
                        "last_name", "first_name", "username"
                    )
                )
            )
            for person in self._people:
                for flag, (on_file, ids) in wanted.items():
                    # As ``staff_and``: on file, or active and holding one of the roles.
                    holds = person.is_active and bool(holding.get(person.pk, set()) & ids)
                    setattr(person, flag, person.pk in on_file or holds)
        return self._people

    def choices(self, field, flag):
        def label(person):
            if person.pk not in self._labels:
                self._labels[person.pk] = field.label_from_instance(person)
            return self._labels[person.pk]

        def listed():
            return [("", field.empty_label)] + [
                (person.pk, label(person)) for person in self._fetch() if getattr(person, flag)
            ]

        return listed


class ConcernListFilter(forms.Form):
    child = forms.CharField(
        required=False,
        max_length=100,
        label="Child",
        help_text="Name or UPN. Finds every concern naming the child, in any part "
        "(subject, witness, sibling, alleged harmer).",
    )
    about = forms.ChoiceField(choices=About.CHOICES, required=False, label="About")
    category = forms.ChoiceField(
        choices=[("", "Any category"), *Category.choices],
        required=False,
        help_text="Finds the concerns with this as their main category or as another one.",
    )
    # The dashboard counts by main category; its links tick this, so a count and its list agree.
    main_only = forms.BooleanField(
        required=False,
        label="As the main one only",
        help_text="Leave empty to include the concerns where it is one of the other categories.",
    )
    status = forms.ChoiceField(choices=StatusChoice.CHOICES, required=False)
    level = forms.ChoiceField(
        choices=[("", "Any level"), (NO_LEVEL, "Not set yet"), *Concern.Level.choices],
        required=False,
    )
    urgency = forms.ChoiceField(
        choices=[
            ("", "Any urgency"),
            (Concern.Urgency.URGENT, "Urgent"),
            (Concern.Urgency.ROUTINE, "Routine"),
        ],
        required=False,
    )
    assigned = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Anyone",
        label="Assigned to",
        help_text="The member of the team the concern is assigned to, or who has an action on it.",
    )
    raised_by = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Anyone",
        label="Raised by",
    )
    since = forms.DateField(required=False, widget=DATE, label="Logged from")
    until = forms.DateField(required=False, widget=DATE, label="Logged to")
    overdue = forms.BooleanField(
        required=False, label="Only concerns with an overdue action or referral"
    )
    sort = forms.ChoiceField(choices=Sort.CHOICES, required=False, label="Order")

    def __init__(self, data=None, *, concerns=None, reader=None, **kwargs):
        """``concerns``: the concerns this reader may see; the people who raised one or act on
        one are offered even if they have since left or changed role."""
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = NOT_A_CHOICE
        concerns = concerns if concerns is not None else Concern.objects.none()
        raised, handling = people_on_file(concerns, reader)
        self.fields["raised_by"].queryset = staff_and(raised)
        self.fields["assigned"].queryset = staff_and(handling, roles=SCHOOL_STAFF)
        # Both lists on the page come from two queries: the querysets above stay to check what
        # is sent.
        people = _PeopleOffered((raised, MAY_LOG_CONCERN), (handling, SCHOOL_STAFF))
        for name, flag in (("raised_by", "may_raise"), ("assigned", "may_handle")):
            field = self.fields[name]
            field.choices = people.choices(field, flag)

    def clean_child(self):
        text = " ".join(self.cleaned_data["child"].split())
        text = "".join(c for c in text if c.isprintable())
        if not text:
            return ""
        matched = list(children_matching(text)[: MOST_CHILDREN_MATCHED + 1])
        if not matched:
            raise forms.ValidationError(f"No child on roll has a name or UPN matching “{text}”.")
        if len(matched) > MOST_CHILDREN_MATCHED:
            raise forms.ValidationError(
                f"More than {MOST_CHILDREN_MATCHED} children match “{text}”: "
                "type more of the name, or the UPN."
            )
        self.children = matched
        return text

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error(
                "until",
                f"This is before “Logged from” ({since.day} {since:%B %Y}): choose a later date.",
            )
        return data

    # --- what was chosen ------------------------------------------------------------------------

    def choices(self) -> dict:
        """The valid choices, or nothing chosen if the form was not sent or is wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {}

    @property
    def order(self) -> str:
        return self.choices().get("sort") or Sort.NEWEST

    def apply(self, concerns):
        """``concerns`` narrowed to what was chosen (all of them when nothing was)."""
        data = self.choices()
        if data.get("child"):
            concerns = concerns.filter(pk__in=Concern.objects.about_any(self.children).values("pk"))
        if data.get("about") == About.CHILDREN:
            concerns = concerns.about_children()
        elif data.get("about") == About.ADULTS:
            concerns = concerns.about_adults()
        status = data.get("status")
        if status == StatusChoice.OPEN:
            concerns = concerns.open()
        elif status == StatusChoice.UNDER_WAY:
            concerns = concerns.filter(
                status__in=[Concern.Status.ACKNOWLEDGED, Concern.Status.IN_PROGRESS]
            )
        elif status:
            concerns = concerns.filter(status=status)
        if data.get("level") == NO_LEVEL:
            concerns = concerns.filter(level="")
        elif data.get("level"):
            concerns = concerns.filter(level=data["level"])
        if data.get("urgency"):
            concerns = concerns.filter(urgency=data["urgency"])
        if data.get("assigned"):
            person = data["assigned"]
            acting = Action.objects.filter(owner=person).values("concern")
            concerns = concerns.filter(Q(assigned_to=person) | Q(pk__in=acting))
        if data.get("raised_by"):
            concerns = concerns.filter(raised_by=data["raised_by"])
        if data.get("since"):
            concerns = concerns.filter(created_at__gte=start_of(data["since"]))
        if data.get("until"):
            concerns = concerns.filter(created_at__lt=start_of(data["until"], days_after=1))
        if data.get("overdue"):
            late = Q(pk__in=Action.objects.overdue().values("concern")) | Q(
                pk__in=Referral.objects.overdue().values("concern")
            )
            concerns = concerns.open().filter(late)
        # Last: the other categories are sealed and opened for the concerns left by every other
        # filter (``ConcernQuerySet.in_category``); the main one alone is plain SQL.
        if data.get("category") and data.get("main_only"):
            concerns = concerns.filter(category=data["category"])
        elif data.get("category"):
            concerns = concerns.in_category(data["category"])
        return concerns

    def describe(self, *, for_the_log: bool = False) -> str:
        """What was chosen, in words ("Neglect; open; urgent"). ``for_the_log``: never what was
        typed to find a child (see the module's docstring)."""
        data, parts = self.choices(), []
        if data.get("child"):
            parts.append("one child's concerns" if for_the_log else f"child “{data['child']}”")
        for name in ("about", "category", "status", "level", "urgency"):
            if data.get(name):
                parts.append(str(dict(self.fields[name].choices)[data[name]]))
                if name == "category" and data.get("main_only"):
                    parts[-1] += " (as the main category)"
        if data.get("assigned"):
            parts.append(f"assigned to {data['assigned'].get_full_name()}")
        if data.get("raised_by"):
            parts.append(f"raised by {data['raised_by'].get_full_name()}")
        if data.get("since"):
            parts.append(f"logged from {data['since']:%d %b %Y}")
        if data.get("until"):
            parts.append(f"logged to {data['until']:%d %b %Y}")
        if data.get("overdue"):
            parts.append("with something overdue")
        return "; ".join(parts)


def start_of(day, days_after: int = 0):
    """The first moment of ``day`` (plus some days) in the school's time zone: "logged to 3
    March" includes the whole of 3 March."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=days_after), time.min))
