"""The DSL shares a child's personal and family circumstances with a named member of staff (P6).

Not to be confused with ``safeguarding.information_sharing``, which records information shared
with another agency (P2): this is a share inside the school, of one section of one child's
record.

The policy names two audiences for that section: the safeguarding team, and "staff the DSL shares
it with". A share is a per-child ``view_family`` grant (django-guardian's direct-FK table for
students). It is outside ``policy.DERIVED``, so no class or assignment change ever removes it:
only the DSL or a deputy does, here. Each decision is kept (``FamilyShareDecision``, its reason
encrypted) and written to the audit trail by the view with who, with whom and when.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from guardian.shortcuts import assign_perm, remove_perm

from confidentiality.roles import SAFEGUARDING_TEAM, SCHOOL_STAFF

from .models import StudentUserObjectPermission
from .policy import FAMILY_SECTION

_CODENAME = FAMILY_SECTION.split(".", 1)[1]


def family_shared_with(student):
    """The members of staff the family section of ``student`` is shared with, by name.

    Only the shares themselves (direct grants on this child), not the safeguarding team, who
    read every child's section through their role."""
    ids = StudentUserObjectPermission.objects.filter(
        content_object=student, permission__codename=_CODENAME
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name")


def may_receive_family_share(student):
    """Who the family section may be shared with: active school staff who do not already read
    it (the safeguarding team reads every child's, role-wide; a share is for anyone else)."""
    already = family_shared_with(student).values("pk")
    return (
        get_user_model()
        .objects.with_roles(*SCHOOL_STAFF)
        .without_roles(*SAFEGUARDING_TEAM)
        .exclude(pk__in=already)
    )


def share_family(student, person) -> None:
    """Let ``person`` read the personal and family circumstances of ``student`` (P6)."""
    if not may_receive_family_share(student).filter(pk=person.pk).exists():
        raise ValidationError(f"The family section cannot be shared with {person}.")
    assign_perm(FAMILY_SECTION, person, student)


def stop_sharing_family(student, person) -> bool:
    """Withdraw a share; True if there was one."""
    if not family_shared_with(student).filter(pk=person.pk).exists():
        return False
    remove_perm(FAMILY_SECTION, person, student)
    return True
