"""The governing body's role permissions, put on each role's group after every migrate, from
``policy.ROLE_PERMISSIONS``. Reading a meeting's confidential minutes is never among them: it
follows from attending (``Meeting.relational_permissions``)."""

from django.contrib.auth.models import Permission
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from confidentiality import roles

from .policy import ROLE_PERMISSIONS


@receiver(post_migrate, dispatch_uid="governance-role-permissions")
def assign_role_permissions(sender, app_config=None, **kwargs):
    if app_config is None or app_config.name != "governance":
        return
    roles.ensure_groups()
    for role, codenames in ROLE_PERMISSIONS.items():
        perms = Permission.objects.filter(
            content_type__app_label="governance", codename__in=codenames
        )
        roles.group_for(role).permissions.add(*perms)
