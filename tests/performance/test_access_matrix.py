"""P18, the whole policy as one table: every person against every performance page and action.

A performance file is read by the head teacher and the member of staff it is about; the head's
own file by the chair of governors instead. A reviewer the file is delegated to reads it and
does a reviewer's work, never the pay recommendation or delegation; an observer opens only
their own draft observation. Nobody else: not the DSL, a deputy, a governor, a parent, another
teacher, nor the IT administrator (a superuser), nor a reviewer the day after their delegation
ended, nor an observer once they have submitted. Everyone refused gets a 404, as if nothing were
there."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from confidentiality.roles import Role
from performance.models import Delegation, Observation, ObservationSheet, ReviewCycle, ReviewMeeting
from tests.conftest import sign_in

PEOPLE = [
    "head",
    "subject",
    "delegate",
    "former_delegate",
    "observer",
    "dsl",
    "deputy",
    "governor",
    "chair",
    "parent",
    "superuser",
    "other_teacher",
]
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def school(
    head,
    teacher,
    line_manager,
    observer,
    dsl,
    deputy,
    governor,
    chair,
    parent,
    itadmin,
    other_teacher,
    ta,
    make_user,
    teacher_file,
    head_file,
    delegation,
    draft_observation,
    review,
):
    # A line manager whose delegation of the same file ended yesterday: the day after its end.
    former = make_user("former_line_manager", Role.TEACHER)
    Delegation(
        file=teacher_file,
        reviewer=former,
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=timezone.localdate() - timedelta(days=1),
        delegated_by=head,
    ).save()
    submitted = Observation(
        file=teacher_file,
        observer=observer,
        named_by=head,
        planned_for=timezone.localdate() - timedelta(days=7),
        ratings={"planning": {"rating": "secure", "comment": "Good"}},
        strengths="Clear",
        areas_to_develop="Pace",
    )
    submitted.save()
    submitted.submit()
    sheet = ObservationSheet(
        observation=draft_observation,
        filename="sheet.pdf",
        content_type="application/pdf",
        size=9,
        content=b"%PDF-1.4\n",
        uploaded_by=observer,
    )
    sheet.save()
    head_review = ReviewMeeting(
        file=head_file,
        kind=ReviewMeeting.Kind.OBJECTIVE_SETTING,
        held_on=timezone.localdate(),
        notes="Governors' panel",
        outcome="Agreed",
        recorded_by=chair,
    )
    head_review.save()
    return {
        "people": {
            "head": head,
            "subject": teacher,
            "delegate": line_manager,
            "former_delegate": former,
            "observer": observer,
            "dsl": dsl,
            "deputy": deputy,
            "governor": governor,
            "chair": chair,
            "parent": parent,
            "superuser": itadmin,
            "other_teacher": other_teacher,
        },
        "file": teacher_file,
        "head_file": head_file,
        "objective": teacher_file.objectives.get(),
        "review": review,
        "head_review": head_review,
        "draft": draft_observation,
        "submitted": submitted,
        "sheet": sheet,
        "ta": ta,
        "observer": observer,
        "head": head,
    }


def _usual_dates():
    cycle = ReviewCycle.objects.current()
    return {
        "objectives_due": cycle.objectives_due.isoformat(),
        "mid_year_due": cycle.mid_year_due.isoformat(),
        "final_due": cycle.final_due.isoformat(),
    }


def _file(s):
    return {"pk": s["file"].pk}


# name -> (method, url name, kwargs(school), data(school), who succeeds)
CASES = {
    "home": (
        "get",
        "performance:home",
        None,
        None,
        set(PEOPLE) - {"governor", "parent", "superuser"},
    ),
    "overview": ("get", "performance:overview", None, None, {"head", "chair"}),
    "cycle dates": (
        "post",
        "performance:cycle_dates",
        None,
        lambda s: _usual_dates(),
        {"head"},
    ),
    "file page": ("get", "performance:file", _file, None, {"head", "subject", "delegate"}),
    "head's own file": (
        "get",
        "performance:file",
        lambda s: {"pk": s["head_file"].pk},
        None,
        {"head", "chair"},
    ),
    "draft observation": (
        "get",
        "performance:observation",
        lambda s: {"pk": s["draft"].pk},
        None,
        {"head", "delegate", "observer"},
    ),
    "submitted observation": (
        "get",
        "performance:observation",
        lambda s: {"pk": s["submitted"].pk},
        None,
        {"head", "delegate", "subject"},
    ),
    "observation sheet": (
        "get",
        "performance:observation_sheet",
        lambda s: {"pk": s["draft"].pk, "sheet_pk": s["sheet"].pk},
        None,
        {"head", "delegate", "observer"},
    ),
    "record the observation": (
        "post",
        "performance:observation",
        lambda s: {"pk": s["draft"].pk},
        lambda s: {"planned_for": TODAY, "lesson": "3 Oak", "action": "save"},
        {"observer"},
    ),
    "open a file": (
        "post",
        "performance:open_file",
        lambda s: {"pk": s["ta"].pk},
        lambda s: {},
        {"head"},
    ),
    "open the head's file": (
        "post",
        "performance:open_file",
        lambda s: {"pk": s["head"].pk},
        lambda s: {},
        {"chair"},
    ),
    "set an objective": (
        "post",
        "performance:add_objective",
        _file,
        lambda s: {"title": "Lead phonics", "success_criteria": "All pass"},
        {"head", "delegate"},
    ),
    "note progress": (
        "post",
        "performance:add_progress",
        lambda s: {"pk": s["file"].pk, "objective_pk": s["objective"].pk},
        lambda s: {"written_on": TODAY, "note": "On track"},
        {"head", "delegate"},
    ),
    "record a review": (
        "post",
        "performance:add_review",
        _file,
        lambda s: {"kind": "mid_year", "held_on": TODAY, "notes": "Fine", "outcome": "On track"},
        {"head", "delegate"},
    ),
    "add performance data": (
        "post",
        "performance:add_data_entry",
        _file,
        lambda s: {"recorded_on": TODAY, "title": "Year 6 reading", "data": "Reading up 10%"},
        {"head", "delegate"},
    ),
    "add performance data to the head's file": (
        "post",
        "performance:add_data_entry",
        lambda s: {"pk": s["head_file"].pk},
        lambda s: {"recorded_on": TODAY, "title": "Attendance", "data": "96.2%"},
        {"chair"},
    ),
    "arrange an observation": (
        "post",
        "performance:arrange_observation",
        _file,
        lambda s: {"observer": s["observer"].pk, "planned_for": TODAY, "lesson": "Maths"},
        {"head", "delegate"},
    ),
    "pay recommendation": (
        "post",
        "performance:pay_recommendation",
        _file,
        lambda s: {"pay_recommendation": "progress", "pay_reasons": "Objectives met"},
        {"head"},
    ),
    "pay recommendation on the head's file": (
        "post",
        "performance:pay_recommendation",
        lambda s: {"pk": s["head_file"].pk},
        lambda s: {"pay_recommendation": "progress", "pay_reasons": "Objectives met"},
        {"chair"},
    ),
    "delegate": (
        "post",
        "performance:delegate",
        _file,
        lambda s: {"reviewer": s["observer"].pk},
        {"head"},
    ),
    "end the delegation": ("post", "performance:end_delegation", _file, lambda s: {}, {"head"}),
    "comment and sign off": (
        "post",
        "performance:comment_on_review",
        lambda s: {"pk": s["file"].pk, "review_pk": s["review"].pk},
        lambda s: {"staff_comments": "Agreed", "sign_off": "on"},
        {"subject"},
    ),
    "comment on the head's review": (
        "post",
        "performance:comment_on_review",
        lambda s: {"pk": s["head_file"].pk, "review_pk": s["head_review"].pk},
        lambda s: {"staff_comments": "Agreed"},
        {"head"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_matrix(client, school, case):
    """One page or action against every person. Each person's try is undone before the next
    (a savepoint), so an allowed change by one never decides what the next one meets; the
    school is built once per case, not once per person, which keeps the table quick."""
    method, name, kwargs, data, allowed = CASES[case]
    wrong = []
    for who in PEOPLE:
        with transaction.atomic():
            sign_in(client, school["people"][who], verified=True)
            url = reverse(name, kwargs=kwargs(school) if kwargs else None)
            if method == "get":
                status, expected = client.get(url).status_code, 200 if who in allowed else 404
            else:
                response = client.post(url, data(school))
                status, expected = response.status_code, 302 if who in allowed else 404
            if status != expected:
                wrong.append(f"{who}: {status}, expected {expected}")
            transaction.set_rollback(True)
    assert not wrong, (case, wrong)


def test_the_table_covers_every_page_of_the_app():
    """A new page or action must be added to the table (and so decided for everyone)."""
    from performance.urls import urlpatterns

    names = {f"performance:{pattern.name}" for pattern in urlpatterns}
    covered = {name for _, name, *_ in CASES.values()}
    assert len(names) > 10 and names <= covered, sorted(names - covered)


def test_no_role_holds_any_permission_on_performance_files(db):
    """Every right is a relation: no group (the DSL's, the governors', anyone's) and no person
    is given a model permission that would open every file (role_permissions)."""
    from django.contrib.auth.models import Permission

    from confidentiality import roles

    roles.ensure_groups()
    ours = Permission.objects.filter(content_type__app_label="performance")
    assert set(ours.values_list("codename", flat=True)) >= {
        "read_file",
        "review_file",
        "manage_file",
        "comment_on_file",
        "read_observation",
        "record_observation",
    }
    assert not ours.filter(group__isnull=False).exists()
    assert not ours.filter(user__isnull=False).exists()
