"""The governing body's part of the access policy (P16, P17): who reads meetings, who manages
them, who reads the confidential minutes, who writes the head teacher's report.

The mechanism is the core's ``confidentiality.access``; this module says what each role means
for the governing body's business. Nothing here opens a child's or a staff member's record.
"""

from django_otp import user_has_device

from confidentiality.roles import GOVERNANCE, Role

# Governors, the chair, the clerk and the head teacher read meetings, agendas, attendance,
# non-confidential papers and the draft and approved public minutes.
READERS = GOVERNANCE | {Role.HEAD_TEACHER}
MANAGERS = frozenset({Role.CLERK, Role.CHAIR_OF_GOVERNORS})

VIEW_MEETING = "governance.view_meeting"
MANAGE_MEETING = "governance.manage_meeting"
# Never role-wide: a relation (``Meeting.relational_permissions``), P17.
CONFIDENTIAL_MINUTES = "governance.read_confidential_minutes"
VIEW_REPORT = "governance.view_headreport"
WRITE_REPORT = "governance.write_headreport"

# Role -> model permissions on the role's group (``grants.py``, after every migrate). No role is
# given ``read_confidential_minutes``: that would open them to governors who were not there.
ROLE_PERMISSIONS = {
    Role.GOVERNOR: ("view_meeting",),
    Role.CHAIR_OF_GOVERNORS: ("view_meeting", "manage_meeting"),
    Role.CLERK: ("view_meeting", "manage_meeting"),
    Role.HEAD_TEACHER: ("view_meeting", "view_headreport", "write_headreport"),
}


def may_read_governance(user) -> bool:
    """The rule of the governing body's pages: governors, the clerk and the head teacher."""
    return user.is_authenticated and user.has_role(*READERS)


def may_manage_meetings(user) -> bool:
    """The clerk and the chair of governors call meetings, record attendance and draft minutes."""
    return user.is_authenticated and user.has_role(*MANAGERS)


def is_head_teacher(user) -> bool:
    """The head teacher drafts and sends the termly report to governors."""
    return user.is_authenticated and user.has_role(Role.HEAD_TEACHER)


# The threat model's promise: a stolen password of the chair (or the clerk, or the head teacher)
# opens nothing confidential of the governing body without the second factor. The chair and the
# clerk are not among the roles that always need one elsewhere (``roles.SECOND_FACTOR_REQUIRED``),
# so the governing body's pages ask for it here: to read the confidential minutes, their papers
# and the confidential items of the head's report, and on every page that manages a meeting
# (attendance decides who reads the confidential minutes; the minutes are what was agreed).
SECOND_FACTOR_ALWAYS = frozenset({Role.CHAIR_OF_GOVERNORS, Role.CLERK, Role.HEAD_TEACHER})


def confidential_needs_second_factor(user) -> bool:
    """Whether ``user`` must have confirmed their second factor to read confidential business:
    always the chair, the clerk and the head teacher; any other governor who has set one up (a
    governor's stolen password must not open what they attended either, once they can stop
    it; governors without a phone app are not locked out of the minutes they are entitled to)."""
    return user.has_role(*SECOND_FACTOR_ALWAYS) or user_has_device(user)


def confirmed_for_confidential(user) -> bool:
    """True if ``user`` may see confidential business now without confirming again."""
    verified = getattr(user, "is_verified", None)
    return not confidential_needs_second_factor(user) or bool(verified and verified())
