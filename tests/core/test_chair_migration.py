"""The chair of governors is an appointment (a role given on the Appointments page), not a job
title. Migration 0003 made it one: only a governor whose title is exactly the chair's keeps the
appointment; a vice-chair, or two governors with the title, leave it to the clerk."""

import importlib

import pytest
from django.apps import apps

from confidentiality import roles
from confidentiality.roles import Role

migration = importlib.import_module("confidentiality.migrations.0003_chair_of_governors")


@pytest.fixture
def make_governor(make_user):
    def make(username, job_title, **extra):
        return make_user(username, Role.GOVERNOR, job_title=job_title, **extra)

    return make


def appoint_from_job_titles():
    """The migration's step, run on today's models (they have every field it reads)."""
    migration.appoint_existing_chair(apps, schema_editor=None)
    return list(roles.holders(Role.CHAIR_OF_GOVERNORS))


@pytest.mark.parametrize(
    "title", ["Chair of governors", "chair of Governors", "  Chair  of governors ", "Chair"]
)
def test_the_one_governor_titled_chair_is_appointed(make_governor, title):
    chair = make_governor("chair", title)
    make_governor("other", "Parent governor")
    assert appoint_from_job_titles() == [chair]


@pytest.mark.parametrize(
    "title", ["Vice-chair of governors", "Vice chair", "Chair of the finance committee", ""]
)
def test_a_title_that_only_mentions_chair_appoints_nobody(make_governor, title):
    make_governor("vice", title)
    assert appoint_from_job_titles() == []


def test_a_vice_chair_beside_the_chair_is_not_taken_for_the_chair(make_governor):
    make_governor("vice", "Vice-chair of governors")
    chair = make_governor("chair", "Chair of governors")
    assert appoint_from_job_titles() == [chair]


def test_two_governors_titled_chair_leave_the_choice_to_the_clerk(make_governor):
    make_governor("one", "Chair of governors")
    make_governor("two", "Chair")
    assert appoint_from_job_titles() == []


def test_only_a_governor_is_taken_by_title(make_user, make_governor):
    make_user("teacher", Role.TEACHER, job_title="Chair")
    make_governor("gone", "Chair of governors", is_active=False)
    assert appoint_from_job_titles() == []


def test_a_chair_already_appointed_stays(make_user, make_governor):
    appointed = make_governor("appointed", "Parent governor")
    appointed.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    make_governor("titled", "Chair of governors")
    assert appoint_from_job_titles() == [appointed]
