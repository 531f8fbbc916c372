"""A small staff with performance files: the head teacher holds the teacher's file, which is
delegated to the teacher's line manager and has a draft observation by a named observer; the
chair of governors holds the head's own file."""

from datetime import timedelta

import pytest
from django.utils import timezone

from confidentiality.roles import Role
from performance.models import (
    Delegation,
    Objective,
    Observation,
    PerformanceFile,
    ReviewCycle,
    ReviewMeeting,
)


@pytest.fixture
def chair(make_user):
    user = make_user("chair", Role.GOVERNOR)
    from confidentiality import roles

    user.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return user


@pytest.fixture
def line_manager(make_user):
    return make_user("line_manager", Role.TEACHER)


@pytest.fixture
def observer(make_user):
    return make_user("observer", Role.TEACHING_ASSISTANT)


@pytest.fixture
def itadmin(make_user):
    return make_user("itadmin", is_superuser=True, is_staff=True)


@pytest.fixture
def cycle(db):
    return ReviewCycle.objects.current().ensure_saved()


@pytest.fixture
def teacher_file(cycle, teacher, head):
    file = PerformanceFile(subject=teacher, cycle=cycle, opened_by=head)
    file.save()
    Objective(
        file=file, title="Raise reading", success_criteria="80% at standard", set_by=head
    ).save()
    return file


@pytest.fixture
def head_file(cycle, head, chair):
    file = PerformanceFile(subject=head, cycle=cycle, opened_by=chair)
    file.save()
    return file


@pytest.fixture
def delegation(teacher_file, line_manager, head):
    running = Delegation(
        file=teacher_file,
        reviewer=line_manager,
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=timezone.localdate() + timedelta(days=30),
        delegated_by=head,
    )
    running.save()
    return running


@pytest.fixture
def draft_observation(teacher_file, observer, head):
    observation = Observation(
        file=teacher_file,
        observer=observer,
        named_by=head,
        planned_for=timezone.localdate(),
        lesson="3 Oak, reading",
    )
    observation.save()
    return observation


@pytest.fixture
def review(teacher_file, head):
    meeting = ReviewMeeting(
        file=teacher_file,
        kind=ReviewMeeting.Kind.OBJECTIVE_SETTING,
        held_on=timezone.localdate(),
        notes="Talked about reading",
        outcome="Objectives agreed",
        recorded_by=head,
    )
    meeting.save()
    return meeting
