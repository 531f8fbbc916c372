"""Who may do what with the files a child takes to a new school (P14), in one place.

**The child-protection file.** Only the safeguarding team (the DSL and the deputies), with a
confirmed second factor (their role always needs one): they prepare and send a child's file, record
the other school's keys and receipts, and import the files other schools send. A transfer, sent or
received, is part of the child's child-protection file: it is opened through the door exactly when
the child's chronology may be (``CHILD``, the team's role-wide permission, which no classroom
relationship or emergency access gives), through ``permissions_from = "student"`` on the models.

**The main pupil record.** The school office (who keep the roll: admissions and leavers) and the
head teacher send and import it, with a confirmed second factor (it holds medical, SEN and family
detail). A child is opened with ``RECORD``. Neither sees a child-protection file through it: the
record's file never holds one nor says whether there is one, and the DSL sends that file apart.
"""

from confidentiality.roles import Role
from safeguarding.policy import CHRONOLOGY, is_safeguarding_team

CHILD = CHRONOLOGY
# The main pupil record is opened with the child's record permission, which the office and the
# head teacher hold for every child (``records.policy.ROLE_PERMISSIONS``).
RECORD = "records.view_student"


def may_transfer(user) -> bool:
    """The DSL and the deputies."""
    return is_safeguarding_team(user)


def may_move_records(user) -> bool:
    """The office and the head teacher: who send a leaver's main record and import a joiner's."""
    return user.has_role(Role.OFFICE_STAFF, Role.HEAD_TEACHER)
