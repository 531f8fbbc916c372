"""The safeguarding part of the access policy: who may log, see and act on concerns (P3, P5).

The mechanism is the core's ``confidentiality.access``; this module only says what each role
and relationship means for concerns.
"""

from confidentiality.roles import SAFEGUARDING_TEAM, SAFEGUARDING_TEAM_OR_HEAD, Role

# The safeguarding team sees and acts on every concern (role-wide, on their groups).
TEAM_PERMISSIONS = (
    "view_concern",
    "view_concern_summary",
    "triage_concern",
    "view_advicerequest",
    "answer_advicerequest",
)
# The member of staff who logged a concern sees its summary and status: an object grant.
AUTHOR_PERMISSION = "view_concern_summary"

SUMMARY = ("safeguarding.view_concern_summary",)
CASEWORK = "safeguarding.triage_concern"
# A concern about an adult: an object grant to the people it is routed to (DSL and head teacher,
# see models/adults.py), never role-wide, so deputies and the person named do not hold it.
ADULT_CASEWORK = "safeguarding.handle_adult_concern"
# Requests for advice (P22): the team answers every one; the asker reads their own (object grant).
ADVICE_ANSWER = "safeguarding.answer_advicerequest"
ADVICE_READ = "safeguarding.view_advicerequest"
ASKER_PERMISSION = "view_advicerequest"
# An action set for someone is their task: an object grant to that person on that action (kept
# by ``grants.py`` to follow whom it is set for), never role-wide, so nobody else opens the task
# page (the team reads actions on the concern page, through the concern's own door).
TASK = "safeguarding.carry_out_action"
TASK_PERMISSION = "carry_out_action"
# A child's chronology is the child-protection file: the team's role-wide permission on the
# student's social-services detail, which no classroom relationship or break-glass grants.
CHRONOLOGY = "records.view_social_services"


# The rules of the safeguarding pages' doors (``access.requires``): each takes a signed-in, active
# person and says whether the page is for them at all. Objects inside are still opened through
# ``access.open_object`` / ``access.visible`` with the permissions above.


def may_log_concern(user) -> bool:
    """Staff, volunteers and health professionals; never parents or governors (P3)."""
    return user.is_authenticated and user.may_log_concern


def may_have_tasks(user) -> bool:
    """Tasks are set for school staff only (the add-action form offers nobody else); someone
    who leaves the staff keeps no task page, even if their account stays (e.g. as a parent)."""
    return user.is_authenticated and user.is_school_staff


def is_safeguarding_team(user) -> bool:
    """The DSL and the deputies."""
    return user.is_authenticated and user.is_safeguarding_team


def may_handle_adult_concerns(user) -> bool:
    """Who may ever be routed a concern about an adult: the team, the head, governors (chair)."""
    return user.is_authenticated and user.has_role(
        *SAFEGUARDING_TEAM, Role.HEAD_TEACHER, Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS
    )


def may_handle_concerns(user) -> bool:
    """Who may ever open a concern and work on it: the team (every concern about a child) and
    whoever a concern about an adult may be routed to. Which concern exactly is the object's
    permission (``CASEWORK`` or ``ADULT_CASEWORK``), checked when it is opened."""
    return is_safeguarding_team(user) or may_handle_adult_concerns(user)


def may_see_training(user) -> bool:
    """P9: the DSL, deputies and the head teacher see everyone's training."""
    return user.is_authenticated and user.has_role(*SAFEGUARDING_TEAM_OR_HEAD)
