"""The governing body's part of the access policy (P16, P17): who reads meetings, who manages
them, who reads the confidential minutes, who writes the head teacher's report.

The mechanism is the core's ``confidentiality.access``; this module says what each role means
for the governing body's business. Nothing here opens a child's or a staff member's record.
"""

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
