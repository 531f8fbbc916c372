"""django-guardian's direct foreign-key permission tables for concerns (the author's grant)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .concerns import Concern


class ConcernUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class ConcernGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)
