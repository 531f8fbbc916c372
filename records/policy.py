"""The records' part of the access policy: which relationship gives which permission.

The mechanism (role permissions, guardian grants, break-glass, 404s and audit) is the core's
``confidentiality.access``; this module only says what school relationships mean (P5, P6, P25).
No rule here looks at a protected characteristic (P23).
"""

from confidentiality.roles import SAFEGUARDING_TEAM, Role

# Everyone who teaches or supports a child in class: the everyday record, allergies and
# emergency steps, and SEN support — what they need to teach the child safely.
CLASSROOM = ("view_student", "view_medical_summary", "view_send")
# A health professional assigned to a child: that child's medical record, nothing else (P25).
HEALTH = ("view_medical",)
# Every codename the relationships manage; grants outside this set are never touched by a sync.
DERIVED = frozenset(CLASSROOM + HEALTH)

ALL_STUDENT_PERMISSIONS = (
    "view_student",
    "view_medical_summary",
    "view_medical",
    "view_send",
    "view_family",
    "view_social_services",
    "view_protected",
)

# Role-wide permissions, given to the role's group (apply to every student).
ROLE_PERMISSIONS = {
    Role.DSL: ALL_STUDENT_PERMISSIONS,
    Role.DEPUTY_DSL: ALL_STUDENT_PERMISSIONS,
    Role.HEAD_TEACHER: ("view_student", "view_send"),
    # The office keeps the roll (admissions, census): the everyday record of every child.
    Role.OFFICE_STAFF: ("view_student",),
}

# A page listing or showing a student opens for anyone holding one of these.
ANY_STUDENT_VIEW = tuple(f"records.{c}" for c in ("view_student", "view_medical"))


def may_list_students(user) -> bool:
    return user.is_school_staff or user.has_role(Role.HEALTH_PROFESSIONAL)


def is_safeguarding_team(user) -> bool:
    return bool(user.roles & SAFEGUARDING_TEAM)
