"""Role-wide concern permissions for the safeguarding team's groups, after every migrate."""

from django.contrib.auth.models import Permission
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from guardian.shortcuts import assign_perm

from confidentiality import roles
from confidentiality.roles import SAFEGUARDING_TEAM

from . import policy


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
