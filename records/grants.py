"""Keep guardian grants in step with school relationships (P5).

When a teacher joins or leaves a class, a child moves class, or an assignment starts or ends,
the affected students' derived grants are recomputed from the relationships that hold now.
Grants outside ``policy.DERIVED`` (e.g. a DSL's explicit share) are never touched.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from confidentiality import roles
from confidentiality.roles import SCHOOL_STAFF, Role

from . import policy
from .models import (
    ParentLink,
    Student,
    StudentUserObjectPermission,
    SupportAssignment,
    TeachingGroup,
)


def _permissions() -> dict[str, Permission]:
    return {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="records", codename__in=policy.DERIVED
        )
    }


def _holders(user_ids, role_set) -> set[int]:
    """Those of ``user_ids`` who hold one of ``role_set`` now (active accounts only)."""
    people = get_user_model().objects.with_roles(*role_set).filter(pk__in=user_ids)
    return set(people.values_list("pk", flat=True))


def desired_grants(student_ids) -> dict:
    """{(student_id, user_id): {codename, ...}} from the relationships that hold now.

    A relationship gives access only to someone whose role fits it: the office, a volunteer or
    a governor placed in a class, or a teacher recorded as a child's nurse, gains nothing (P10,
    P11, P16, P25; ``policy.TEACHES_IN_CLASS``).
    """
    wanted = defaultdict(set)
    through = TeachingGroup.students.through
    staff_through = TeachingGroup.staff.through
    memberships = through.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "teachinggroup_id"
    )
    group_staff = defaultdict(list)
    for group_id, user_id in staff_through.objects.filter(
        teachinggroup_id__in={g for _, g in memberships}
    ).values_list("teachinggroup_id", "user_id"):
        group_staff[group_id].append(user_id)
    assignments = list(
        SupportAssignment.objects.filter(student_id__in=student_ids).values_list(
            "student_id", "staff_id", "kind"
        )
    )
    people = {u for ids in group_staff.values() for u in ids} | {u for _, u, _ in assignments}
    teaches = _holders(people, policy.TEACHES_IN_CLASS)
    assistants = _holders(people, {Role.TEACHING_ASSISTANT})
    health = _holders(people, {Role.HEALTH_PROFESSIONAL})
    for student_id, group_id in memberships:
        for user_id in group_staff[group_id]:
            # The office placed in a class (by its own import, say) gains nothing by it (P10).
            if user_id in teaches:
                wanted[(student_id, user_id)].update(policy.CLASSROOM)
    for student_id, user_id, kind in assignments:
        if kind == SupportAssignment.Kind.HEALTH_PROFESSIONAL and user_id in health:
            wanted[(student_id, user_id)].update(policy.HEALTH)
        elif kind == SupportAssignment.Kind.TEACHING_ASSISTANT and user_id in assistants:
            wanted[(student_id, user_id)].update(policy.CLASSROOM)
    # P12, P13: a parent or carer sees their own linked children, and no other.
    for student_id, user_id in ParentLink.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "parent_id"
    ):
        wanted[(student_id, user_id)].update(policy.PARENT)
    return wanted


@transaction.atomic
def sync_students(student_ids) -> tuple[int, int]:
    """Recompute derived grants for these students. Returns (granted, revoked)."""
    student_ids = list(student_ids)
    if not student_ids:
        return 0, 0
    perms = _permissions()
    by_id = {p.pk: code for code, p in perms.items()}
    wanted = {
        (s, u, code) for (s, u), codes in desired_grants(student_ids).items() for code in codes
    }
    existing = {
        (s, u, by_id[p]): pk
        for pk, s, u, p in StudentUserObjectPermission.objects.filter(
            content_object_id__in=student_ids, permission__in=perms.values()
        ).values_list("pk", "content_object_id", "user_id", "permission_id")
    }
    revoke = [pk for key, pk in existing.items() if key not in wanted]
    grant = [key for key in wanted if key not in existing]
    StudentUserObjectPermission.objects.filter(pk__in=revoke).delete()
    StudentUserObjectPermission.objects.bulk_create(
        [
            StudentUserObjectPermission(content_object_id=s, user_id=u, permission=perms[code])
            for s, u, code in grant
        ]
    )
    return len(grant), len(revoke)


@receiver(m2m_changed, sender=TeachingGroup.students.through)
def _students_moved(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if reverse:  # student.teaching_groups.add(...)
        ids = [instance.pk]
    elif action == "pre_clear":
        instance._cleared_students = list(instance.students.values_list("pk", flat=True))
        return
    elif action == "post_clear":
        ids = getattr(instance, "_cleared_students", [])
    else:
        ids = list(pk_set or [])
    sync_students(ids)


@receiver(m2m_changed, sender=TeachingGroup.staff.through)
def _staff_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # user.teaching_groups.add(group, ...)
        groups = TeachingGroup.objects.filter(pk__in=pk_set or [])
        ids = Student.objects.filter(teaching_groups__in=groups).values_list("pk", flat=True)
    else:
        ids = instance.students.values_list("pk", flat=True)
    sync_students(set(ids))


@receiver([post_save, post_delete], sender=SupportAssignment)
def _assignment_changed(sender, instance, **kwargs):
    sync_students([instance.student_id])


def students_related_to(user_ids):
    """The children whose grants depend on these people's relationships."""
    return set(
        Student.objects.filter(teaching_groups__staff__in=user_ids).values_list("pk", flat=True)
    ) | set(
        SupportAssignment.objects.filter(staff__in=user_ids).values_list("student_id", flat=True)
    )


@receiver(m2m_changed, sender=get_user_model().groups.through)
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A change of role changes what a relationship gives (a teacher who becomes a volunteer
    keeps the class but loses its records)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    user_ids = list(pk_set or []) if isinstance(instance, Group) else [instance.pk]
    sync_students(students_related_to(user_ids))
    revoke_staff_only_grants(user_ids)


def revoke_staff_only_grants(user_ids) -> int:
    """Grants given to someone as a member of staff (a family section the DSL shared with them,
    a child's request to talk to them) end when they stop being staff (P13, P16)."""
    staff = _holders(user_ids, SCHOOL_STAFF)
    leavers = [pk for pk in user_ids if pk not in staff]
    if not leavers:
        return 0
    from .models.talk import TalkRequestUserObjectPermission

    family, _ = StudentUserObjectPermission.objects.filter(
        user_id__in=leavers, permission__codename__in=policy.STAFF_ONLY_SHARES
    ).delete()
    talk, _ = TalkRequestUserObjectPermission.objects.filter(user_id__in=leavers).delete()
    return family + talk


@receiver([post_save, post_delete], sender=ParentLink)
def _parent_link_changed(sender, instance, **kwargs):
    sync_students([instance.student_id])


@receiver(post_migrate)
def assign_role_permissions(sender, app_config=None, **kwargs):
    """Give each role's group its role-wide student permissions (idempotent)."""
    if app_config is None or app_config.name != "records":
        return
    roles.ensure_groups()
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="records", codename__in=policy.ALL_STUDENT_PERMISSIONS
        )
    }
    # Exactly the table in records/policy.py: a permission a role no longer has (the office's
    # grades, say, after a policy change) is taken away on the next migrate, not left behind.
    for role in roles.Role:
        wanted = {perms[c] for c in policy.ROLE_PERMISSIONS.get(role, ()) if c in perms}
        group = roles.group_for(role)
        group.permissions.remove(*(p for p in perms.values() if p not in wanted))
        group.permissions.add(*wanted)
    # P7: the safeguarding team reads and closes every pupil's request to talk.
    talk = Permission.objects.filter(
        content_type__app_label="records",
        content_type__model="talkrequest",
        codename__in=policy.TALK_REQUEST_TEAM_PERMISSIONS,
    )
    for role in roles.SAFEGUARDING_TEAM:
        roles.group_for(role).permissions.add(*talk)
