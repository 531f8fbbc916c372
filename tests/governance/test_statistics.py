"""P17: the safeguarding statistics governors are given are numbers only, with small numbers
suppressed: any count from 1 to 4 is "fewer than 5", 0 stays 0 (a zero points to nobody), and a
total that would let a suppressed count be worked out is not shown (secondary suppression)."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguarding import raising, statistics
from safeguarding.models import Concern, ConcernSubject, Referral, TrainingRecord
from safeguarding.statistics import FEWER_THAN_5, WITHHELD


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, FEWER_THAN_5), (2, FEWER_THAN_5), (4, FEWER_THAN_5), (5, 5), (12, 12)],
)
def test_small_counts_are_suppressed_and_zero_stays_zero(count, shown):
    assert statistics.shown(count) == shown


def test_a_total_that_would_reveal_a_suppressed_count_is_withheld():
    assert statistics.column_total([10, 7, 0]) == 17  # nothing suppressed: the total shows
    assert statistics.column_total([10, 3, 0]) == WITHHELD  # 13 - 10 would give the 3
    assert statistics.column_total([10, 1, 1]) == WITHHELD  # 12 - 10 would give 1 + 1
    assert statistics.column_total([2, 1, 0]) == FEWER_THAN_5  # small itself: suppressed


def test_terms_follow_the_school_year():
    assert statistics.term_of(date(2026, 10, 5)).label == "Autumn 2026/27"
    assert statistics.term_of(date(2027, 2, 1)).label == "Spring 2026/27"
    assert statistics.term_of(date(2027, 6, 30)).label == "Summer 2026/27"
    assert statistics.term_named("spring", "2026/27").starts_on == date(2027, 1, 1)
    autumn = statistics.term_named("autumn", "2026/27")
    assert [t.label for t in statistics.terms_up_to(autumn)] == [
        "Spring 2025/26",
        "Summer 2025/26",
        "Autumn 2026/27",
    ]


def _concern(author, student, category, when):
    concern, _ = raising.raise_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "category": category,
            "urgency": "routine",
            "account": "Said something worrying.",
            "happened_at": when,
            "child_told": "told",
        },
        [(student, ConcernSubject.Part.SUBJECT)],
        [],
    )
    Concern.objects.filter(pk=concern.pk).update(created_at=when)
    return concern


@pytest.fixture
def term():
    return statistics.term_of(timezone.localdate())


def test_concerns_by_category_and_term(settings, teacher, dsl, pupil, term):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    now = timezone.now()
    for _ in range(6):
        _concern(teacher, pupil, "neglect", now)
    fgm = _concern(teacher, pupil, "fgm", now)
    table = statistics.concerns_by_category_and_term(statistics.terms_up_to(term))
    rows = dict(table.rows)
    assert rows["Neglect"][-1] == 6
    assert rows["Female genital mutilation (FGM)"][-1] == FEWER_THAN_5
    assert rows["Physical abuse"][-1] == 0
    # 7 in all, but 7 - 6 would give the one FGM concern: the total is withheld.
    assert table.totals[-1] == WITHHELD
    # Earlier terms had none: nothing to suppress, 0 shown.
    assert table.totals[0] == 0
    Referral.objects.create(concern=fgm, agency=Referral.Agency.POLICE, made_at=now)
    referrals = statistics.referrals_by_agency(term)
    assert dict(referrals.rows)["Police"] == [FEWER_THAN_5]
    assert referrals.totals == [FEWER_THAN_5]


def test_training_compliance_counts_people_never_names(teacher, ta, office, volunteer, dsl):
    today = timezone.localdate()
    table = statistics.training_compliance(today)
    # Nobody has trained yet: everyone is behind, and 5 is shown as it is.
    assert dict(table.rows) == {"Up to date": [0], "Not up to date": [5]}
    assert table.totals == [5]
    from safeguarding.training import record_reading

    for person in (teacher,):
        TrainingRecord.objects.create(
            person=person, course="child_protection", completed_on=today - timedelta(days=10)
        )
        record_reading(person, "confidentiality")
        record_reading(person, "child_protection")
    table = statistics.training_compliance(today)
    assert dict(table.rows) == {"Up to date": [FEWER_THAN_5], "Not up to date": [FEWER_THAN_5]}
    assert table.totals == [WITHHELD]


def test_the_statistics_name_nobody(settings, teacher, dsl, pupil, term):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    concern = _concern(teacher, pupil, "physical", timezone.now())
    text = json.dumps(statistics.for_governors(term))
    for name in (pupil.first_name, pupil.last_name, teacher.username, concern.reference):
        assert name not in text
