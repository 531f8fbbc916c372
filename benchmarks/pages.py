"""The key pages of the school, each as the person who uses it, on the objects with the most
rows: the child with the longest chronology, the busiest concern, the teacher's fullest class,
the fullest performance file and governors' meeting.

``key_pages()`` works on whatever school the database holds (the demo school, or one seeded
with ``seed_demo --scale``); ``tests/scale/test_benchmarks_run.py`` asks for every page on the
demo school, so a page renamed or moved breaks the suite, not the benchmark."""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Page:
    name: str
    person: str  # the demo person's username
    path: str
    method: str = "get"
    # A POST's form, made afresh for each request (a concern needs its own idempotency key).
    data: Callable[[], dict] | None = field(default=None, compare=False)
    expect: int = 200


def _busiest_children(students) -> list:
    """``students`` with the most concerns naming them first (concerns name a child by a keyed
    reference, so the references of these children are worked out and counted)."""
    from safeguarding.models import ConcernSubject

    by_ref = {ConcernSubject.ref_for(s): s for s in students}
    counts = Counter(
        dict(
            ConcernSubject.objects.filter(student_ref__in=list(by_ref))
            .values_list("student_ref")
            .annotate(n=Count("pk"))
            .values_list("student_ref", "n")
        )
    )
    return sorted(by_ref.values(), key=lambda s: (-counts[ConcernSubject.ref_for(s)], s.pk))


def _longest_chronology():
    """The child named by the most concerns in the whole school."""
    from records.models import Student
    from safeguarding.models import ConcernSubject

    top = (
        ConcernSubject.objects.values("student_ref")
        .annotate(n=Count("pk"))
        .order_by("-n", "student_ref")
        .values_list("student_ref", flat=True)
        .first()
    )
    if top is None:
        return Student.objects.order_by("pk").first()
    for pk in Student.objects.values_list("pk", flat=True).iterator(chunk_size=5000):
        if ConcernSubject.ref_for(Student(pk=pk)) == top:
            return Student.objects.get(pk=pk)
    raise LookupError("no child on roll is named by the busiest concerns")


def _busiest_concern():
    """The concern about a child with the most case notes (counted on the notes' table alone:
    a join of every concern with its notes and actions is slow at the large school's size)."""
    from safeguarding.models import CaseNote, Concern

    about_children = Concern.objects.about_children()
    top = (
        CaseNote.objects.filter(concern__in=about_children.values("pk"))
        .values("concern")
        .annotate(n=Count("pk"))
        .order_by("-n", "concern")
        .values_list("concern", flat=True)
        .first()
    )
    if top is None:
        return about_children.order_by("-created_at", "pk").only("pk").first()
    return Concern.objects.only("pk").get(pk=top)


def _fullest_class(teacher):
    return (
        teacher.teaching_groups.annotate(n=Count("students"))
        .order_by("-n", "pk")
        .only("pk")
        .first()
    )


def _fullest_file():
    from performance.models import PerformanceFile

    return (
        PerformanceFile.objects.annotate(n=Count("objectives"))
        .order_by("-n", "pk")
        .only("pk")
        .first()
    )


def _fullest_meeting():
    from governance.models import Meeting

    return Meeting.objects.annotate(n=Count("agenda")).order_by("-n", "pk").only("pk").first()


def concern_form(child) -> Callable[[], dict]:
    """What the concern form posts when a teacher fills it in about ``child``."""

    def data() -> dict:
        return {
            "idempotency_key": str(uuid.uuid4()),
            "students-TOTAL_FORMS": "1",
            "students-INITIAL_FORMS": "0",
            "students-MIN_NUM_FORMS": "0",
            "students-MAX_NUM_FORMS": "1000",
            "students-0-student": str(child.pk),
            "students-0-part": "subject",
            "marks-TOTAL_FORMS": "0",
            "marks-INITIAL_FORMS": "0",
            "marks-MIN_NUM_FORMS": "0",
            "marks-MAX_NUM_FORMS": "1000",
            "category": "neglect",
            "urgency": "routine",
            "account": "Came in without a coat again and said there was no food at home.",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "location": "Playground",
            "child_told": "told",
        }

    return data


def key_pages() -> list[Page]:
    from records.models import ParentLink

    User = get_user_model()
    teacher = User.objects.get(username="teacher")
    parent = User.objects.get(username="parent")
    child = _longest_chronology()
    concern = _busiest_concern()
    group = _fullest_class(teacher)
    pupil = _busiest_children(group.students.all())[0]
    own_child = (
        ParentLink.objects.filter(parent=parent)
        .order_by("student__last_name", "student__pk")
        .values_list("student", flat=True)
        .first()
    )
    perf_file = _fullest_file()
    meeting = _fullest_meeting()
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    trail = reverse("audit:trail")
    return [
        Page("DSL dashboard", "dsl", reverse("dashboard")),
        Page("Safeguarding team page", "dsl", reverse("safeguarding:dashboard")),
        Page("Concern list", "dsl", reverse("safeguarding:concern_list")),
        Page(
            "Concern list, filtered (open, about children, last year, urgent first)",
            "dsl",
            f"{reverse('safeguarding:concern_list')}?status=open&about=children"
            f"&since={year_ago}&sort=urgency",
        ),
        Page("Busiest concern", "dsl", reverse("safeguarding:concern", args=[concern.pk])),
        Page(
            "Longest chronology",
            "dsl",
            reverse("safeguarding:chronology", args=[child.pk]),
        ),
        Page(
            "Longest chronology, PDF",
            "dsl",
            reverse("safeguarding:chronology_pdf", args=[child.pk]),
        ),
        Page(
            "Student page (DSL, longest chronology)",
            "dsl",
            reverse("records:student_detail", args=[child.pk]),
        ),
        Page(
            "Audit trail of the busiest concern",
            "dsl",
            f"{trail}?object=safeguarding.concern:{concern.pk}",
        ),
        Page("Audit trail of a teacher", "dsl", f"{trail}?person={teacher.pk}"),
        Page("Teacher dashboard", "teacher", reverse("dashboard")),
        Page(
            "Teacher's fullest class", "teacher", reverse("records:class_detail", args=[group.pk])
        ),
        Page("Teacher's student list", "teacher", reverse("records:student_list")),
        Page(
            "Student page (teacher)",
            "teacher",
            reverse("records:student_detail", args=[pupil.pk]),
        ),
        Page("Log a concern (form)", "teacher", reverse("safeguarding:log_concern")),
        Page(
            "Log a concern (send)",
            "teacher",
            reverse("safeguarding:log_concern"),
            method="post",
            data=concern_form(pupil),
            expect=302,
        ),
        Page("Parent portal", "parent", reverse("portal:home")),
        Page("Parent portal, a child", "parent", reverse("portal:child", args=[own_child])),
        Page("Head's performance files", "head", reverse("performance:overview")),
        Page("Fullest performance file", "head", reverse("performance:file", args=[perf_file.pk])),
        Page("Governors' meetings", "governor", reverse("governance:meetings")),
        Page(
            "Fullest governors' meeting", "clerk", reverse("governance:meeting", args=[meeting.pk])
        ),
    ]
