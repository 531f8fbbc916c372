"""The safeguarding part of the access policy: who may log, see and act on concerns (P3, P5).

The mechanism is the core's ``confidentiality.access``; this module only says what each role
and relationship means for concerns.
"""

from confidentiality.roles import SAFEGUARDING_TEAM

# The safeguarding team sees and acts on every concern (role-wide, on their groups).
TEAM_PERMISSIONS = ("view_concern", "view_concern_summary", "triage_concern")
# The member of staff who logged a concern sees its summary and status: an object grant.
AUTHOR_PERMISSION = "view_concern_summary"

SUMMARY = ("safeguarding.view_concern_summary",)
CASEWORK = "safeguarding.triage_concern"


def may_log_concern(user) -> bool:
    """Staff, volunteers and health professionals; never parents or governors (P3)."""
    return user.is_authenticated and user.may_log_concern


def is_safeguarding_team(user) -> bool:
    return user.is_authenticated and bool(user.roles & SAFEGUARDING_TEAM)
