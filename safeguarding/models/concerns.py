"""A concern: what a member of staff saw or heard, recorded in two minutes and sent to the DSL.

Who a concern is about is never a plain foreign key: the children named are sealed in the
concern (``Concern.children``) and indexed by keyed blind references (``ConcernSubject``), so a
copy of the database cannot join a child to a concern, its category, level or decision (what
stays plain, and why: ``safeguarding/models/__init__.py``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import AfterFetchQuerySet, BlindRefField, blind_ref
from confidentiality.crypto.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)
from confidentiality.models import ConfidentialModel
from records.models import ParentLink, Student


class Category(models.TextChoices):
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    ONLINE = "online", "Online safety"
    PEER_ON_PEER = "peer_on_peer", "Child-on-child (peer-on-peer) abuse"
    RADICALISATION = "radicalisation", "Radicalisation (Prevent)"
    FGM = "fgm", "Female genital mutilation (FGM)"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    ATTENDANCE = "attendance", "Attendance / missing from education"
    SELF_HARM = "self_harm", "Self-harm or mental health"
    OTHER = "other", "Other"


CATEGORY_ORDER = {code: n for n, code in enumerate(Category.values)}
CATEGORY_LABELS = dict(Category.choices)


def category_codes(chosen, leaving_out: str = "") -> list[str]:
    """The category codes among ``chosen`` (a list from a form or from the sealed field), each
    once, in the order of the choices, without ``leaving_out`` (the main category) and without
    anything that is not a category (a value this server cannot open is no category at all)."""
    if getattr(chosen, "unreadable", False) or not isinstance(chosen, list | tuple | set):
        return []
    wanted = {str(code) for code in chosen} - {leaving_out}
    return sorted(wanted & CATEGORY_ORDER.keys(), key=CATEGORY_ORDER.__getitem__)


def categories_in_words(main: str, others) -> str:
    """The categories in words, the main one first (as the dashboard counts it), then the
    others: "Neglect (+ Emotional abuse, Online safety)"."""
    words = str(CATEGORY_LABELS.get(main, main))
    labels = [str(CATEGORY_LABELS[code]) for code in category_codes(others, leaving_out=main)]
    return f"{words} (+ {', '.join(labels)})" if labels else words


@dataclass
class NamedChild:
    """A child named in a concern and their part in it, as the concern's pages show them."""

    student: Student
    part: str
    # Linked by the safeguarding team after the concern was raised (``Concern.link_children``):
    # the team's work, which the author's own view does not show (P3).
    linked_by_team: bool = False

    @property
    def student_id(self):
        return self.student.pk

    def get_part_display(self) -> str:
        return str(dict(ConcernSubject.Part.choices).get(self.part, self.part))


PART_ORDER = {"subject": 0, "alleged_harmer": 1, "witness": 2, "sibling": 3}


def _named(concern) -> list:
    """The sealed list of children, or nothing if it cannot be opened on this server."""
    value = concern.children
    return value if isinstance(value, list) and not getattr(value, "unreadable", False) else []


def load_children(concerns) -> None:
    """Open the children named in each of these concerns with one query for all of them."""
    pending = [c for c in concerns if "_named_children" not in c.__dict__]
    wanted = {entry["student"] for c in pending for entry in _named(c)}
    found = {str(pk): s for pk, s in Student.objects.in_bulk(wanted).items()} if wanted else {}
    for concern in pending:
        named = [
            NamedChild(
                found[entry["student"]],
                entry.get("part") or "subject",
                linked_by_team=bool(entry.get("linked_by_team")),
            )
            for entry in _named(concern)
            if entry["student"] in found
        ]
        named.sort(key=lambda n: (PART_ORDER.get(n.part, 9), n.student.last_name))
        concern.__dict__["_named_children"] = named


def load_people_named(concerns) -> None:
    """Open the adult named in each of these concerns about adults with one query."""
    from .adults import ConcernAboutAdult

    adults = [c.adult for c in concerns if c.is_about_adult and hasattr(c, "adult")]
    ConcernAboutAdult.person.load(adults)


def urgent_first():
    """The concern list's "urgent first" order: one expression for the list and its index."""
    return models.Case(
        models.When(urgency="urgent", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


STATUS_ORDER = ["new", "acknowledged", "in_progress", "closed"]


def by_status():
    """The concern list's "by status" order (new first): one expression for the list and its
    index."""
    return models.Case(
        *(models.When(status=s, then=models.Value(n)) for n, s in enumerate(STATUS_ORDER)),
        default=models.Value(len(STATUS_ORDER)),
        output_field=models.IntegerField(),
    )


class ConcernQuerySet(AfterFetchQuerySet):
    def open(self):
        return self.exclude(status=Concern.Status.CLOSED)

    def awaiting_dsl(self):
        """Concerns nobody on the safeguarding team has acknowledged yet."""
        return self.filter(status=Concern.Status.NEW)

    def urgent_unacknowledged(self):
        return self.awaiting_dsl().filter(urgency=Concern.Urgency.URGENT)

    def raised_by(self, user):
        return self.filter(raised_by=user)

    def in_category(self, code: str):
        """The concerns whose main category is ``code`` or which also fall under it.

        The main category is a plain column, so that part is SQL. The other categories are
        sealed (``Concern.other_categories``): they are opened for the concerns of this queryset
        whose main category is another, in one query, and those that also fall under ``code``
        join by key. Call it last, once every other filter has narrowed the queryset: the rows
        opened are only those left. A blind index was the other way, and no better than the
        plain column it would replace: with a dozen categories, counting equal digests says
        which one is neglect. One query more whatever the number of concerns; the result is
        still a queryset, so counts, keyset pages and the export work on it as on any other.
        """
        # A fresh queryset over the same rows: nothing joined or loaded with them is wanted.
        others = Concern.objects.filter(pk__in=self.exclude(category=code).values("pk")).only(
            "pk", "seal_version", "category", "other_categories"
        )
        also = [concern.pk for concern in others if code in concern.other_category_codes]
        return self.filter(models.Q(category=code) | models.Q(pk__in=also))

    def about(self, student):
        return self.filter(subjects__student_ref=ConcernSubject.ref_for(student)).distinct()

    def about_any(self, students):
        refs = [ConcernSubject.ref_for(student) for student in students]
        return self.filter(subjects__student_ref__in=refs).distinct()

    def naming_no_child(self):
        """Concerns about a child that name no child yet (raised by someone yet to sign the
        agreement, who named the child in words): the team must link the child (P3)."""
        return self.about_children().filter(names_no_child=True)

    def with_children(self):
        """Lists that show each concern's children: one query for all the children."""
        return self.loading(load_children)

    def with_people_named(self):
        """Lists of concerns about adults that show who each names: one query for all."""
        return self.select_related("adult").loading(load_people_named)

    def about_children(self):
        """Concerns about children: the safeguarding team's queue (P3)."""
        return self.filter(subject_kind=Concern.SubjectKind.STUDENT)

    def about_adults(self):
        """Concerns and allegations about staff and volunteers: routed to named people only."""
        return self.filter(subject_kind=Concern.SubjectKind.ADULT)

    def not_about(self, user):
        """Never the concerns naming this person: they must not learn of them from us."""
        from .adults import ConcernAboutAdult

        return self.exclude(**ConcernAboutAdult.person.lookup(user, prefix="adult__"))


class Concern(ConfidentialModel):
    """A worry about a child (or, later, about an adult working with children), logged by anyone
    who works with children and routed at once to the DSL and deputies (P3).

    What the child said, where, the body map and the DSL's reasoning are encrypted (P6). The
    student's words are never mandatory (P20); the author records whether they told the child
    that what they said may be passed on, or that nothing was disclosed (P1).
    """

    class ChildTold(models.TextChoices):
        """P1: what the author told the child about confidentiality. Every situation has a true
        answer, so the question never stops a concern being sent."""

        TOLD = "told", "I told the child it may be passed on"
        OBSERVATION = "observation", "Nothing was disclosed by the child (an observation)"
        NOT_YET = "not_yet", "Not yet — I will tell the child when we next speak"

    # The same answers as the team reads them (third person); blank: never asked, e.g. a
    # concern about an adult or one logged from a request for advice.
    CHILD_TOLD_SUMMARY = {
        ChildTold.TOLD: "The child was told it may be passed on",
        ChildTold.OBSERVATION: "Nothing was disclosed by the child (an observation)",
        ChildTold.NOT_YET: "Not yet told — the author will tell the child when they next speak",
        "": "Not recorded",
    }

    class SubjectKind(models.TextChoices):
        STUDENT = "student", "A child or children"
        ADULT = "adult", "An adult working with children"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine – the DSL will pick it up today"
        URGENT = "urgent", "Urgent – the child may be at risk now"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    class Level(models.TextChoices):
        MONITOR = "monitor", "Monitor in school"
        EARLY_HELP = "early_help", "Early help"
        CSC_REFERRAL = "csc_referral", "Referral to children's social care"
        IMMEDIATE_DANGER = "immediate_danger", "Immediate danger (police / 999)"

    class Decision(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        MONITORING = "monitoring", "Monitoring in school, concern resolved"
        EARLY_HELP = "early_help", "Early help plan in place"
        CSC_ACCEPTED = "csc_accepted", "Children's social care accepted the case"
        CSC_NFA = "csc_nfa", "Children's social care took no further action"
        POLICE = "police", "Passed to the police"
        LADO = "lado", "Managed through the LADO process"

    subject_kind = models.CharField(
        max_length=10, choices=SubjectKind.choices, default=SubjectKind.STUDENT
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    # Generated when the form is first shown: a second submit of the same form finds this row.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    # The main category: what the dashboard counts and the concern is known by.
    category = models.CharField(max_length=20, choices=Category.choices)
    # Any further categories it also falls under, as schools record them (never the main one:
    # ``set_categories``). Sealed, unlike the main one: nothing counts them in SQL, so nothing
    # needs them plain, and a copy of the database learns less of what each concern was about.
    # The concern list's filter opens them (``ConcernQuerySet.in_category``).
    other_categories = EncryptedJSONField("other categories", default=list)
    # What the person raising it chose, {"main": code, "others": [codes]}, kept as they chose it
    # when the team corrects the categories in triage: the author's own page shows their
    # choice, never the team's reading of it (P3). Sealed like the other categories.
    categories_as_raised = EncryptedJSONField(
        "categories chosen by the person raising it", default=dict, editable=False
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    # P20: the child's own words, if they chose to say anything. Never required.
    account = EncryptedTextField("what was seen or said")
    happened_at = models.DateTimeField("when it was seen or said", default=timezone.now)
    location = EncryptedCharField("where")
    # P21: said at a bad time or place, and how it was followed up privately.
    bad_time_or_place = models.BooleanField(default=False)
    private_follow_up = EncryptedTextField("private follow-up")
    body_map = EncryptedJSONField("body map marks", default=list)
    actions_taken = EncryptedTextField("actions already taken")
    told_dsl_in_person = models.BooleanField(default=False)
    # P1: whether the child was told that what they said may be passed on.
    child_told = models.CharField(
        "child told it may be passed on", max_length=12, choices=ChildTold.choices, blank=True
    )

    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NEW)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # 0: the whole team was told; 1: escalated to the deputies; 2: escalated to the head teacher.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns_assigned",
    )
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    level_reason = EncryptedTextField("reason for the level")
    # The children named and their parts, [{"student": pk, "part": ...}], sealed to the concern:
    # never a plain key (see ``ConcernSubject`` for how a child's concerns are found).
    children = EncryptedJSONField("children named", default=list)
    # A concern about a child whose sealed list names nobody yet (raised by someone yet to sign
    # the agreement, the child named in words): the team's dashboard lists these (P3). Kept
    # with the concern because finding them by the index's absence read every concern (0.2 s at
    # 300,000); a database copy learns nothing new from it, as that absence is plain anyway.
    names_no_child = models.BooleanField(default=False, editable=False)
    linked_concerns = models.ManyToManyField("self", blank=True, symmetrical=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    rationale = EncryptedTextField("rationale for the decision")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ConcernQuerySet.as_manager()
    # The audit log names whom a concern is about only by a keyed reference.
    audit_subject_blind = True

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_concern_summary", "See the status of a concern they logged"),
            ("triage_concern", "Triage, act on, refer and close concerns"),
            ("handle_adult_concern", "Handle a concern about an adult routed to them"),
        ]
        indexes = [
            models.Index(fields=["status", "urgency"]),
            # The concern list's keyset pages: newest first, the key breaking ties
            # (``views.concern_list.ordered``); read backwards for "oldest first".
            models.Index(fields=["-created_at", "-id"], name="concern_newest_first"),
            # Each filter of the concern list, led by its column and then in the list's order,
            # so a school with hundreds of thousands of concerns reads a page, not the table.
            models.Index(fields=["status", "-created_at"], name="concern_status_newest"),
            models.Index(fields=["urgency", "-created_at"], name="concern_urgency_newest"),
            models.Index(fields=["category", "-created_at"], name="concern_category_newest"),
            models.Index(fields=["level", "-created_at"], name="concern_level_newest"),
            models.Index(fields=["subject_kind", "-created_at"], name="concern_kind_newest"),
            models.Index(fields=["raised_by", "-created_at"], name="concern_raised_by_newest"),
            models.Index(fields=["assigned_to", "-created_at"], name="concern_assigned_newest"),
            # The list's other orders, as the list sorts (``views.concern_list.ordered``).
            models.Index(
                urgent_first(),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="concern_urgent_first",
            ),
            models.Index(
                by_status(),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="concern_by_status",
            ),
            # The team page at the size of the largest school (300,000 concerns): the open
            # queues read the open concerns only (not the table), the last closed come from the
            # end of an index (0.44 s to a few ms). The queues' order (when it came in, when it
            # last changed) and the key are in the index too, so the queues are read from the
            # index alone, not from thousands of scattered rows (14 ms to a few).
            models.Index(
                fields=["subject_kind", "status", "urgency", "created_at", "updated_at", "id"],
                name="concern_open",
                condition=~models.Q(status="closed"),
            ),
            models.Index(
                fields=["-closed_at"],
                name="concern_recently_closed",
                condition=models.Q(status="closed"),
            ),
            # The team page's counts of the last year by category and month: read from the
            # index alone, not from rows heavy with sealed text.
            models.Index(
                fields=["subject_kind", "created_at", "category"],
                name="concern_kind_month_category",
            ),
            models.Index(
                fields=["created_at"],
                name="concern_naming_no_child",
                condition=models.Q(names_no_child=True),
            ),
        ]

    def __str__(self):
        return f"Concern {self.reference}"

    @property
    def reference(self) -> str:
        return str(self.pk).split("-")[0].upper()

    def audit_subject(self):
        # Keys only (no query): the entry names its subject by a blind reference anyway.
        if self.is_about_adult:
            adult = getattr(self, "adult", None)
            return adult.audit_subject() if adult else self
        named = sorted(_named(self), key=lambda c: PART_ORDER.get(c.get("part"), 9))
        return Student(pk=Student._meta.pk.to_python(named[0]["student"])) if named else self

    # --- categories -----------------------------------------------------------------------------

    @property
    def other_category_codes(self) -> list[str]:
        """The other categories' codes, in the order of the choices (none if they cannot be
        opened here: ``other_categories_unreadable``)."""
        return category_codes(self.other_categories, leaving_out=self.category)

    def get_other_categories_display(self) -> list[str]:
        return [str(CATEGORY_LABELS[code]) for code in self.other_category_codes]

    def other_categories_unreadable(self) -> bool:
        return bool(getattr(self.other_categories, "unreadable", False))

    @property
    def categories_display(self) -> str:
        """The main category, then any others: "Neglect (+ Emotional abuse)"."""
        words = categories_in_words(self.category, self.other_category_codes)
        if self.other_categories_unreadable():
            words += " (+ other categories that cannot be opened on this server)"
        return words

    def falls_under(self, code: str) -> bool:
        """Its main category is ``code``, or it also falls under it."""
        return code == self.category or code in self.other_category_codes

    def set_categories(self, main: str, others=()) -> None:
        """The main category and the others (a main category ticked again among the others is
        simply the main one: nothing is lost). Not saved here."""
        if main not in CATEGORY_ORDER:
            raise ValidationError({"category": "Choose the main category."})
        others = category_codes(others, leaving_out=main)
        if others != self.other_category_codes and self.other_categories_unreadable():
            raise ValidationError(
                {
                    "other_categories": "The other categories recorded cannot be opened on "
                    "this server, so they cannot be changed now. Tell the IT administrator."
                }
            )
        self.category = main
        # An unchanged list is not written again: no change in the log that changed nothing.
        if others != category_codes(self.other_categories):
            self.other_categories = others

    @property
    def categories_chosen_by_author(self) -> str:
        """The categories as the person raising the concern chose them, in words (their own
        page shows these, whatever the team corrected since)."""
        chosen = self.categories_as_raised
        if getattr(chosen, "unreadable", False):
            return str(chosen)
        if isinstance(chosen, dict) and chosen.get("main") in CATEGORY_ORDER:
            return categories_in_words(chosen["main"], chosen.get("others") or [])
        # Raised before the choice was kept: nobody had corrected it yet (``triage`` keeps the
        # author's choice before the first correction).
        return categories_in_words(self.category, self.other_category_codes)

    def _keep_the_authors_categories(self) -> None:
        """Remember the categories as the author chose them, once (a concern raised before
        they were kept is given them before its first correction)."""
        chosen = self.categories_as_raised
        if getattr(chosen, "unreadable", False) or (isinstance(chosen, dict) and chosen):
            return
        self.categories_as_raised = {"main": self.category, "others": self.other_category_codes}

    @property
    def child_told_summary(self) -> str:
        """P1 as the safeguarding team reads it on the concern and in the chronology."""
        return self.CHILD_TOLD_SUMMARY.get(self.child_told, self.CHILD_TOLD_SUMMARY[""])

    @property
    def child_still_to_be_told(self) -> bool:
        return self.child_told == self.ChildTold.NOT_YET

    @property
    def is_about_adult(self) -> bool:
        return self.subject_kind == self.SubjectKind.ADULT

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def named_children(self) -> list[NamedChild]:
        """The children named, the subject first (one query, none after ``with_children``)."""
        load_children([self])
        return self.__dict__["_named_children"]

    @property
    def children_named_by_author(self) -> list[NamedChild]:
        """The children the author named when they raised the concern: what their own view
        shows. A child the team linked later is the team's work (P3), not the author's to know."""
        return [named for named in self.named_children if not named.linked_by_team]

    def student_pks(self) -> list:
        return [entry["student"] for entry in _named(self)]

    def students(self):
        return Student.objects.filter(pk__in=self.student_pks())

    def name_children(self, pairs, *, linked_by_team=()) -> None:
        """Name the children ``[(student, part), ...]`` this concern is about. Sealed in the
        concern; the blind index (``ConcernSubject``) follows when the concern is saved, one row
        per child, each in the change log. The children in ``linked_by_team`` (their pks) are
        marked as linked by the team after the concern was raised, in the same sealed list."""
        later = {str(pk) for pk in linked_by_team}
        children = {}
        for student, part in pairs:
            entry = {"student": str(student.pk), "part": part}
            if entry["student"] in later:
                entry["linked_by_team"] = True
            children.setdefault(entry["student"], entry)
        self.children = list(children.values())
        self.__dict__.pop("_named_children", None)
        self.__dict__["_children_to_index"] = True

    def link_children(self, pairs, by) -> list:
        """The safeguarding team links children to a concern after it was raised, typically one
        from someone yet to sign the agreement, who named the child in words (P3: it then joins
        the child's chronology, ``Concern.objects.about`` and the siblings' checks). The children
        already named keep their parts; ``pairs`` ``[(student, part), ...]`` are added. A case
        note records who linked whom; the index rows are in the change log. Returns the
        children newly named."""
        from .casework import CaseNote

        if self.children_unreadable():
            raise ValidationError(
                "The children already named in this concern cannot be opened on this server, "
                "so no child can be added now. Tell the IT administrator."
            )
        named = _named(self)
        already = {entry["student"] for entry in named}
        added = [(student, part) for student, part in pairs if str(student.pk) not in already]
        if not added:
            return []
        to_key = Student._meta.pk.to_python
        kept = [
            (Student(pk=to_key(entry["student"])), entry.get("part") or ConcernSubject.Part.SUBJECT)
            for entry in named
        ]
        earlier = {entry["student"] for entry in named if entry.get("linked_by_team")}
        self.name_children(
            [*kept, *added], linked_by_team=earlier | {str(s.pk) for s, _part in added}
        )
        self.save()
        parts = dict(ConcernSubject.Part.choices)
        CaseNote(
            concern=self,
            author=by,
            text="Linked by the safeguarding team: "
            + "; ".join(
                f"{student} ({str(parts.get(part, part)).lower()})" for student, part in added
            )
            + ".",
        ).save()
        return [student for student, _part in added]

    def save(self, *args, **kwargs):
        inserting = self._state.adding
        if inserting:
            self._keep_the_authors_categories()
        naming = inserting or self.__dict__.get("_children_to_index")
        if naming and not self.children_unreadable():
            self.names_no_child = not self.is_about_adult and not self.student_pks()
            fields = kwargs.get("update_fields")
            if fields is not None and "names_no_child" not in fields:
                kwargs["update_fields"] = [*fields, "names_no_child"]
        super().save(*args, **kwargs)
        if self.__dict__.pop("_children_to_index", False):
            # A concern just inserted has no index rows yet (its id has a default, so Django
            # inserts it, never updates another's): nothing to read back.
            self._index_children(indexed=set() if inserting else None)

    def children_unreadable(self) -> bool:
        """The sealed list of children cannot be opened on this server (its key is missing, or
        it is damaged): who the concern names is unknown here, which is not "nobody"."""
        return bool(getattr(self.children, "unreadable", False))

    def _index_children(self, indexed: set | None = None) -> bool:
        """Make the blind index match the sealed list. Never when the list cannot be opened:
        an unreadable list is not an empty one, and deleting the index would lose the concern
        from every child's chronology (returns False, the index left as it was)."""
        if self.children_unreadable():
            return False
        to_key = Student._meta.pk.to_python
        wanted = {ConcernSubject.ref_for(Student(pk=to_key(pk))) for pk in self.student_pks()}
        have = indexed
        if have is None:
            have = set(self.subjects.values_list("student_ref", flat=True))
        for subject in self.subjects.filter(student_ref__in=have - wanted):
            subject.delete()
        # One save per child (never bulk_create): each naming of a child is in the change log.
        for ref in sorted(wanted - have):
            ConcernSubject(concern=self, student_ref=ref).save()
        return True

    # --- the DSL's verbs -----------------------------------------------------------------------

    def acknowledge(self, by, now=None):
        """The team has seen it: escalation stops (P3). Acknowledging twice changes nothing."""
        if self.acknowledged_at is not None:
            return
        self.acknowledged_at = now or timezone.now()
        self.acknowledged_by = by
        if self.status == self.Status.NEW:
            self.status = self.Status.ACKNOWLEDGED
        self.save()

    def triage(
        self,
        by,
        *,
        assigned_to=None,
        level="",
        level_reason="",
        linked=None,
        category=None,
        other_categories=None,
    ):
        """Assign, set the level with its reason, link earlier concerns and siblings'
        (``linked``; None leaves the links), and correct the categories (``category`` and
        ``other_categories``; None leaves them). A correction is a change in the concern's
        change log like any other (the other categories, sealed, by name only); the author's
        own choice is kept for their page."""
        if level and not (level_reason or "").strip():
            raise ValidationError({"level_reason": "Say why you chose this level."})
        if category is not None or other_categories is not None:
            self._keep_the_authors_categories()
            self.set_categories(
                category if category is not None else self.category,
                other_categories if other_categories is not None else self.other_category_codes,
            )
        self.acknowledge(by=by)
        self.assigned_to = assigned_to
        self.level = level
        self.level_reason = level_reason
        if self.status in (self.Status.NEW, self.Status.ACKNOWLEDGED) and (level or assigned_to):
            self.status = self.Status.IN_PROGRESS
        self.save()
        if linked is not None:  # None: the links stay as they are
            self.linked_concerns.set([c for c in linked if c.pk != self.pk])

    def close(self, by, decision, rationale, now=None):
        """Close the case. A decision and its rationale are required, so that whoever reads the
        file later (another DSL, a receiving school, an inspector) knows why (P3)."""
        errors = {}
        if decision not in self.Decision.values:
            errors["decision"] = "Choose the decision that closes this concern."
        if not (rationale or "").strip():
            errors["rationale"] = "Explain the reasons for the decision."
        if errors:
            raise ValidationError(errors)
        self.acknowledge(by=by, now=now)
        self.decision = decision
        self.rationale = rationale.strip()
        self.status = self.Status.CLOSED
        self.closed_at = now or timezone.now()
        self.closed_by = by
        self.save()

    def reopen(self, by):
        self.status = self.Status.IN_PROGRESS
        self.closed_at = None
        self.save()

    def related_concerns(self):
        """Other concerns about the children named here or about their siblings, so the DSL
        can link a brother's or sister's earlier concern in triage (P3: one picture of the
        family). Siblings are children who share a parent or carer (records' ParentLink).

        Two queries whatever the size of the family: the brothers and sisters (the parents are
        a subquery), then the concerns naming any of the children by their blind references.
        """
        named = self.student_pks()
        # Parents and carers with parental responsibility: a shared childminder or emergency
        # contact does not make two children brothers and sisters.
        links = ParentLink.objects.with_responsibility()
        parents = links.filter(student__in=named).values("parent")
        family = set(links.filter(parent__in=parents).values_list("student", flat=True))
        family.update(Student._meta.pk.to_python(pk) for pk in named)
        return (
            Concern.objects.about_children()
            .about_any(Student(pk=pk) for pk in family)
            .exclude(pk=self.pk)
        )


class ConcernSubject(models.Model):
    """That a concern names a child, as a keyed blind reference: the index that finds a child's
    concerns (``Concern.objects.about``). Without ``BLIND_INDEX_KEY`` the reference says
    nothing; who the child is and their part are sealed in the concern (``Concern.children``).
    """

    class Part(models.TextChoices):
        SUBJECT = "subject", "Subject of the concern"
        ALLEGED_HARMER = "alleged_harmer", "Alleged harmer"
        WITNESS = "witness", "Witness"
        SIBLING = "sibling", "Sibling"

    PURPOSE = "safeguarding.concernsubject.student"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="subjects")
    student_ref = BlindRefField(blank=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "student_ref"], name="child_once_per_concern"
            )
        ]

    def __str__(self):
        # Also the audit trail's label: the concern's reference, never the child's name.
        return f"Child named in concern {self.concern.reference}"

    @classmethod
    def ref_for(cls, student) -> str:
        """The reference stored for ``student`` (a saved child, or ``Student(pk=...)``)."""
        return blind_ref(student, cls.PURPOSE)


class ConcernAttachment(ConfidentialModel):
    """A photo or document attached to a concern. Name and content are encrypted (P6) and
    re-sealed by key rotation like every other field."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedCharField("file name")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = EncryptedBinaryField("content")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    audit_subject_blind = True

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        # Also the audit trail's label: never the file's name, which may say what it shows.
        return f"Attachment to concern {self.concern.reference}"

    def audit_subject(self):
        return self.concern.audit_subject()


class ConcernDraft(ConfidentialModel):
    """What someone has typed into the concern form but not yet submitted: saved as they type,
    so an error, a timeout or a closed tab loses nothing. One per author, encrypted."""

    author = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="concern_draft"
    )
    payload = EncryptedJSONField("typed so far", default=dict)

    def __str__(self):
        return f"Unsent concern form of {self.author}"

    def audit_subject(self):
        return self.author


register_confidential(Concern, m2m_fields={"linked_concerns"})
register_confidential(ConcernSubject)
register_confidential(ConcernAttachment, exclude_fields=["content"])
