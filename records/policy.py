"""The records' part of the access policy: every rule of who may see or do what, in one place.

- which school relationship gives which permission on a child, and which role holds which
  permission on every child (P5, P6, P25);
- who reaches which pages at all: the rules the views declare at the core's door
  (``access.requires``), each a function of the person here, never written in a view;
- who may open a class, and who reads and who edits each section of a child's record;
- what of a child's learning and family each person sees (need to know, M4).

The mechanism (role permissions, guardian grants, break-glass, 404s and audit) is the core's
``confidentiality.access``; this module only says what school relationships mean.
No rule here looks at a protected characteristic (P23).
"""

from confidentiality.access import has_permission, object_permissions, role_permissions
from confidentiality.roles import SAFEGUARDING_TEAM_OR_HEAD, Role

# Everyone who teaches or supports a child in class: the everyday record, allergies and
# emergency steps, and SEN support — what they need to teach the child safely; and the child's
# learning (grades, progress, work) and the family's requests (meetings, P7; permissions, P24).
CLASSROOM = (
    "view_student",
    "view_medical_summary",
    "view_send",
    "record_learning",
    "work_with_family",
)
# Whose place in a class gives them CLASSROOM on its pupils: those who teach or support children
# in class. The office, a volunteer or anyone else listed in a class gains nothing by it (P5,
# P10, P11): the office imports the classes, so a class naming the office (or an account the
# office created) must not open grades, SEN and medical detail. The head teacher and the
# safeguarding team may teach a class; an appointed role is never given by import.
TEACHES_IN_CLASS = frozenset(
    {Role.TEACHER, Role.TEACHING_ASSISTANT, Role.HEAD_TEACHER, Role.DSL, Role.DEPUTY_DSL}
)
# A health professional assigned to a child: that child's medical record, nothing else (P25);
# they keep it up to date (conditions, medication, care plan).
HEALTH = ("view_medical", "change_medical")
# A parent or carer linked to the child: the portal's view of their own child only (P12, P13).
# Never a staff permission: a parent holding it still gets 404 on every staff page.
PARENT = ("view_as_parent",)
# Every codename the relationships manage; grants outside this set are never touched by a sync.
DERIVED = frozenset(CLASSROOM + HEALTH + PARENT)
# Grants the DSL gives a named member of staff; they end if that person stops being staff.
STAFF_ONLY_SHARES = ("view_family",)

ALL_STUDENT_PERMISSIONS = (
    "view_student",
    "view_medical_summary",
    "view_medical",
    "view_send",
    "view_family",
    "view_social_services",
    "view_protected",
    "work_with_family",
    "change_medical",
    "change_send",
    "change_family",
    "change_social_services",
    "change_protected",
    "import_mis",
    "assign_support",
    "share_family",
    "end_parent_link",
    # A child's learning and family, role-wide (see "need to know" below; M4).
    "view_grade",
    "view_progressnote",
    "view_workitem",
    "view_parentlink",
    "view_photoconsent",
    # Every class's lessons (P19): the notes may mention pupils.
    "view_lesson",
)

# Role-wide permissions, given to the role's group (apply to every student).
ROLE_PERMISSIONS = {
    Role.DSL: ALL_STUDENT_PERMISSIONS,
    Role.DEPUTY_DSL: ALL_STUDENT_PERMISSIONS,
    # The head teacher also decides who supports each child (P25: a TA or a health professional
    # assigned to them), as the safeguarding team does: an assignment opens medical or SEN
    # detail, so it is an appointed person's decision (H1; see SupportAssignment.check_decider).
    #
    # The head answers for standards, exclusions and complaints: every child's attainment
    # (grades and progress notes, read only) and who their parents and carers are; not pupils'
    # work, photograph consent or the family's requests (M4; see "need to know" below).
    Role.HEAD_TEACHER: (
        "view_student",
        "view_send",
        "import_mis",
        "assign_support",
        "view_grade",
        "view_progressnote",
        "view_parentlink",
        # Every class's lessons, for the curriculum and the sensitive topics taught (P19).
        "view_lesson",
    ),
    # The office keeps the roll (admissions, census): the everyday record of every child, the
    # MIS import, and the protected characteristics parents give on the admission form and the
    # census asks for — which they record, so they may read that section and nothing more (P23:
    # no access rule depends on what it says). They end a parent or carer's link that should
    # not be there (the DSL is told), as the safeguarding team may.
    Role.OFFICE_STAFF: (
        "view_student",
        "view_protected",
        "change_protected",
        "import_mis",
        "end_parent_link",
        # Admissions and the photograph consent lists (P15): every child's parents and carers
        # and their consent; no grades, progress notes or pupils' work (M4).
        "view_parentlink",
        "view_photoconsent",
    ),
}

# A page listing or showing a student opens for anyone holding one of these. ``view_family``
# alone is held by a member of staff the DSL shared the family section with (P6): they reach
# the child's page and read that section, and nothing else of the record.
ANY_STUDENT_VIEW = tuple(f"records.{c}" for c in ("view_student", "view_medical", "view_family"))


# --- who reaches which pages at all (the rules the views declare at the door) ----------------
# Each is a function of the person alone, checked before any object is looked up; the objects
# inside are then opened with the permissions above (``access.open_object``, ``visible``).


def is_school_staff(user) -> bool:
    """The staff pages of families, learning and requests to talk: school staff only; parents,
    governors, volunteers and health professionals get 404 (P11, P16, P25)."""
    return user.is_school_staff


def may_list_students(user) -> bool:
    """The staff pages of pupils' records (the list, a record, its sections): school staff and
    health professionals. A grant left behind on someone who became a parent or a governor
    opens nothing (P13, P16)."""
    return user.is_school_staff or user.has_role(Role.HEALTH_PROFESSIONAL)


def is_parent(user) -> bool:
    """The parent portal (P12): parents and carers only; every staff page is a 404 for them."""
    return user.is_authenticated and user.has_role(Role.PARENT)


def may_assign_support(user) -> bool:
    """Assigning a TA or a health professional to a child, and ending it: those who hold
    ``ASSIGN_SUPPORT`` role-wide (the safeguarding team, the head teacher; H1, P25)."""
    return ASSIGN_SUPPORT in role_permissions(user)


def may_share_family_section(user) -> bool:
    """Sharing a child's family section with a member of staff, and stopping it: those who hold
    ``SHARE_FAMILY`` role-wide (the DSL and deputies, P6)."""
    return SHARE_FAMILY in role_permissions(user)


def may_restore_parent_links(user) -> bool:
    """Giving back a parent or carer's link the school ended: the DSL alone, deliberately (no
    import ever does, P12, P13). Deputies and the office end links; they do not restore them."""
    return user.has_role(Role.DSL)


# --- a class (P5, P15) ------------------------------------------------------------------------
# A class page is for the staff who teach the class, and for those who hold, role-wide, what the
# page shows of every child: a class's pupils (the everyday record: the safeguarding team, the
# head teacher, the office) or their photograph consent (the safeguarding team and the office,
# not the head, M4). Never through break-glass, which opens one child; and always the whole
# class, so the consent page never says "everyone has consent" from part of it.
CLASS_PUPILS = "records.view_student"
CLASS_CONSENTS = "records.view_photoconsent"


def may_open_class(user, group, shows: str = CLASS_PUPILS) -> bool:
    """Whether this person may open the class ``group`` on a page that shows ``shows`` of each
    pupil. Volunteers placed in a class, parents and other classes' teachers may not (P5, P11):
    a 404, as for any record they may not open (``views.classes.open_class``)."""
    if not (user.is_authenticated and user.is_school_staff):
        return False
    if shows in role_permissions(user):  # every child's, role-wide
        return True
    return is_in_class(user, group)


def is_in_class(user, group) -> bool:
    """Whether ``user`` is one of ``group``'s staff: asked once for this copy of the class (a
    class page asks it for the pupils, the consents and the lessons alike)."""
    known = group.__dict__.setdefault("_staff_member", {})
    if user.pk not in known:
        known[user.pk] = group.staff.filter(pk=user.pk).exists()
    return known[user.pk]


# --- a class's lessons and the school's sensitive topics (P19) ------------------------------
# A class's lessons are seen by those who teach or support in the class (a relation decided when
# asked, ``Lesson.relational_permissions``) and, role-wide, by the safeguarding team and the head
# teacher. Recording one is for the same people; the office, which opens a class's page for the
# roll, neither sees nor records its lessons, even if an import placed it in the class.
LESSONS = "records.view_lesson"


def teaches_in_classes(user) -> bool:
    """Whether a place in a class makes this person one of those who teach or support in it."""
    return user.is_authenticated and user.is_school_staff and user.has_role(*TEACHES_IN_CLASS)


def may_record_lesson(user, group) -> bool:
    """Whether this person may record a lesson of the class ``group`` (P19): its teachers and
    support staff, and the safeguarding team and the head teacher (who may open every class);
    another class's teacher, the office, a volunteer or a parent may not (a 404)."""
    if not may_open_class(user, group):
        return False
    return LESSONS in role_permissions(user) or (
        teaches_in_classes(user) and is_in_class(user, group)
    )


def may_manage_sensitive_topics(user) -> bool:
    """The school's list of sensitive topics and their guidance (P19): the head teacher and the
    safeguarding team keep it."""
    return user.is_authenticated and user.has_role(*SAFEGUARDING_TEAM_OR_HEAD)


# --- a child's learning and family: need to know (M4, P5, P12, P13) ---------------------------
# Those who teach or support a child (their ``record_learning`` grant, CLASSROOM above) see all
# of the child's learning and family, and add to it; beyond them each role sees only what its
# work needs, through a role-wide "view" permission of that model (ROLE_PERMISSIONS above); an
# emergency (break-glass, P10) opening shows who to call, nothing of the child's learning.
#
#                      grades  progress  work  parents   photo    the family's requests
#                              notes           & carers  consent  (meetings, permissions,
#                                                                  messages sent)
#   teaches/supports   yes     yes       yes   yes       yes      yes
#   safeguarding team  yes     yes       yes   yes       yes      yes
#   head teacher       yes     yes       no    yes       no       no
#   office             no      no        no    yes       yes      no
#   break-glass        no      no        no    yes       no       no
#   anyone else        no      no        no    no        no       no
#
# Each entry holds "any of these permissions on the child", asked of one child at a time
# (``access.has_permission``); they mix models, so they are not for ``access.visible``.
# Staff who add grades, progress notes and work: those who teach or support the child.
LEARNING_RECORD = "records.record_learning"
SEE_GRADES = (LEARNING_RECORD, "records.view_grade")
SEE_PROGRESS_NOTES = (LEARNING_RECORD, "records.view_progressnote")
SEE_WORK = (LEARNING_RECORD, "records.view_workitem")
SEE_CONTACTS = (LEARNING_RECORD, "records.view_parentlink")
SEE_CONSENTS = (LEARNING_RECORD, "records.view_photoconsent")
# Staff who answer the family's meeting requests and ask permission to discuss a case (P7, P24):
# those who teach the child, and the safeguarding team.
FAMILY_CONTACT = "records.work_with_family"
LEARNING = {
    "grades": SEE_GRADES,
    "progress_notes": SEE_PROGRESS_NOTES,
    "work": SEE_WORK,
    "contacts": SEE_CONTACTS,
    "consents": SEE_CONSENTS,
    "family": (FAMILY_CONTACT,),
}


def learning_visible_to(user, student) -> frozenset[str]:
    """The parts of ``student``'s learning and family (keys of ``LEARNING``) this person sees."""
    return frozenset(
        part for part, perms in LEARNING.items() if has_permission(user, perms, student)
    )


def with_parental_responsibility(queryset, user, path: str = "pk"):
    """Of ``queryset`` (children, or a child's objects through ``path``), those of the children
    ``user`` holds parental responsibility for (P12, P15, P24).

    A contact without it (an emergency contact, a childminder) sees in the portal only the
    child's name, how to reach the school and their own requests to meet: not grades, work,
    consents, requests for permission or the school's messages, and never what another carer
    asked (second review, 5)."""
    from .models import ParentLink

    children = ParentLink.objects.with_responsibility().filter(parent=user).values("student")
    return queryset.filter(**{f"{path}__in": children})


# The parent portal's permission (P12, P13).
AS_PARENT = "records.view_as_parent"


# --- the record's sections: who reads and who edits each (P6) ----------------------------------
# Who reads each section in full.
SECTION_PERMISSION = {
    "medical": "records.view_medical",
    "sen": "records.view_send",
    "family": "records.view_family",
    "social_services": "records.view_social_services",
    "protected": "records.view_protected",
}
# Staff who teach the child read only these medical entries, what they need to keep the child
# safe (the rest of the medical record is for the safeguarding team and an assigned nurse).
MEDICAL_SUMMARY_PERMISSION = "records.view_medical_summary"
MEDICAL_SUMMARY = ("allergies", "emergency_steps")
# Who may change each section. Every holder of an edit permission also reads the section in full
# (the edit form shows what is there); tests keep the two in step. Staff who teach a child edit
# nothing: they read what they need (P5). The safeguarding team edits every section (role-wide);
# an assigned health professional the medical record (HEALTH above, P25); the office the
# protected characteristics (P23).
EDIT_PERMISSION = {
    "medical": "records.change_medical",
    "sen": "records.change_send",
    "family": "records.change_family",
    "social_services": "records.change_social_services",
    "protected": "records.change_protected",
}


def sections_read_by(user, student) -> dict[str, bool]:
    """The sections of ``student``'s record this person reads, in the record's order: each
    ``True`` if read in full, ``False`` if only its summary (the medical entries a teacher
    needs). A section they may not read is not in it."""
    perms = object_permissions(user, student)
    read = {}
    for kind, perm in SECTION_PERMISSION.items():
        if perm in perms:
            read[kind] = True
        elif kind == "medical" and MEDICAL_SUMMARY_PERMISSION in perms:
            read[kind] = False
    return read


# Importing students, contacts, classes and staff from the school's MIS export: the office, the
# head teacher and the safeguarding team (role-wide, see ROLE_PERMISSIONS).
IMPORT_MIS = "records.import_mis"


def may_import(user) -> bool:
    """The office, the head teacher and the safeguarding team import the MIS exports."""
    return IMPORT_MIS in role_permissions(user)


# Access an import gave (a parent linked, a teacher placed in a class) is told to the DSL and the
# head teacher, who answer for who can open a child's record (P10; ``importing.access_report``).
TOLD_OF_IMPORT_GRANTS = (Role.DSL, Role.HEAD_TEACHER)


def may_see_import_grants(user) -> bool:
    return user.is_authenticated and user.has_role(*TOLD_OF_IMPORT_GRANTS)


# --- who supports a child, and who else may know the family's circumstances -----------------
# Assigning a teaching assistant or a health professional to a child (P5, P25): the safeguarding
# team and the head teacher (role-wide, see ROLE_PERMISSIONS), with a verified second factor.
ASSIGN_SUPPORT = "records.assign_support"
# Ending a parent or carer's link to a child (P12, P13): the office and the safeguarding team.
END_PARENT_LINK = "records.end_parent_link"
# P6: "personal and family circumstances (safeguarding team, and staff the DSL shares it with)".
# Only the DSL and deputies decide (role-wide); the share itself is a per-child ``view_family``
# grant, outside DERIVED, so no relationship sync ever removes it.
SHARE_FAMILY = "records.share_family"
FAMILY_SECTION = "records.view_family"

# --- a pupil's request to talk (P7) ---------------------------------------------------------
# Staff who teach or support the child record it from the child's page.
RECORD_TALK_REQUEST = "records.view_student"
# Reading a request and marking it done: its recorder and the person the child asked for (object
# grants given when it is recorded) and the safeguarding team (role-wide).
VIEW_TALK_REQUEST = "records.view_talkrequest"
CLOSE_TALK_REQUEST = "records.change_talkrequest"
TALK_REQUEST_TEAM_PERMISSIONS = ("view_talkrequest", "change_talkrequest")
