"""Who holds which safeguarding permission: role-wide for the safeguarding team's groups (after
every migrate), per concern for its author, per concern about an adult for the people it is
routed to, re-derived whenever the school's roles or its chair of governors change, and per
action for the person it is set for (their task), re-derived whenever the action is saved."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_migrate, post_save
from django.dispatch import receiver
from guardian.shortcuts import assign_perm

from confidentiality import roles
from confidentiality.roles import SAFEGUARDING_TEAM, Role

from . import policy

# The roles that decide who handles a concern about an adult (see models/adults.py).
ROUTING_ROLES = frozenset(
    {Role.DSL, Role.DEPUTY_DSL, Role.HEAD_TEACHER, Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS}
)


@receiver(post_migrate)
def assign_role_permissions(sender, app_config=None, **kwargs):
    """The DSL and deputies see and act on every concern; the head teacher does not, unless
    also on the team (P3)."""
    if app_config is None or app_config.name != "safeguarding":
        return
    roles.ensure_groups()
    perms = Permission.objects.filter(
        content_type__app_label="safeguarding", codename__in=policy.TEAM_PERMISSIONS
    )
    for role in SAFEGUARDING_TEAM:
        roles.group_for(role).permissions.add(*perms)


def grant_author(concern) -> None:
    """The person who logged a concern may follow its status (never the DSL's work)."""
    assign_perm(f"safeguarding.{policy.AUTHOR_PERMISSION}", concern.raised_by, concern)


def grant_task(action) -> None:
    """The person an action is set for, and only they (by grant), may open it as their task.
    Set for someone else, the former holder loses it at once."""
    from .models import ActionUserObjectPermission

    permission = Permission.objects.get(
        content_type__app_label="safeguarding", codename=policy.TASK_PERMISSION
    )
    grants = ActionUserObjectPermission.objects.filter(content_object=action, permission=permission)
    grants.exclude(user_id=action.owner_id).delete()
    grants.get_or_create(content_object=action, permission=permission, user_id=action.owner_id)


@receiver(post_save, sender="safeguarding.Action", dispatch_uid="safeguarding-task-grant")
def _task_follows_whom_it_is_set_for(sender, instance, raw=False, update_fields=None, **kwargs):
    """Every save of an action (set, done, handed to someone else) keeps its one grant true; a
    save of named fields that leave the owner alone (the overdue stamp) changes nothing."""
    if raw or (update_fields is not None and not {"owner", "owner_id"} & set(update_fields)):
        return
    grant_task(instance)


def sync_adult_concern_grants() -> int:
    """Give each concern about an adult to exactly the people who handle it now (P3).

    Who handles one follows from roles (the DSL, the head teacher, the deputies when the DSL is
    named) and from who chairs the governors. When the DSL hands over or a new head or chair
    takes office, the former holder loses the grant and the new one gains it; the adult named
    never holds it, whatever their role. Returns how many grants were added or removed.
    """
    from .models import Concern, ConcernUserObjectPermission
    from .models.adults import handlers_for

    concerns = list(Concern.objects.about_adults().with_people_named())
    if not concerns:
        return 0
    app_label, codename = policy.ADULT_CASEWORK.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    grants = ConcernUserObjectPermission.objects.filter(permission=permission)
    held: dict = {}
    for concern_id, user_id in grants.values_list("content_object_id", "user_id"):
        held.setdefault(concern_id, set()).add(user_id)
    handlers_of: dict = {}  # one look-up per adult named, however many concerns name them
    changed = 0
    for concern in concerns:
        adult = getattr(concern, "adult", None)
        if adult is None:
            continue
        # An escalated concern also belongs to those it climbed to (see ``handlers_for``).
        key = (adult.person_id, concern.escalation_level)
        if key not in handlers_of:
            handlers_of[key] = {
                p.pk: p for p in handlers_for(adult.person, level=concern.escalation_level)
            }
        wanted = handlers_of[key]
        have = held.get(concern.pk, set())
        gone = have - wanted.keys()
        if gone:
            changed += grants.filter(content_object=concern, user_id__in=gone).delete()[0]
        for user_id in wanted.keys() - have:
            ConcernUserObjectPermission.objects.create(
                permission=permission, content_object=concern, user=wanted[user_id]
            )
            changed += 1
    return changed


def _routing_group_names() -> set[str]:
    return {role.group_name for role in ROUTING_ROLES}


@receiver(m2m_changed, sender=get_user_model().groups.through)
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A new DSL, deputy, head teacher or governor changes who handles concerns about adults."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    names = _routing_group_names()
    if isinstance(instance, Group):
        relevant = instance.name in names
    else:
        relevant = pk_set is None or Group.objects.filter(pk__in=pk_set, name__in=names).exists()
    if relevant:
        sync_adult_concern_grants()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _person_changed(sender, instance, created, update_fields=None, **kwargs):
    """A person who leaves (made inactive) hands over what they handled. (The chair of
    governors is an appointed role: the groups signal follows that.)"""
    if created:
        return  # no roles yet: the groups signal follows
    if update_fields is not None and "is_active" not in set(update_fields):
        return  # e.g. the last-login stamp at every sign-in
    sync_adult_concern_grants()
