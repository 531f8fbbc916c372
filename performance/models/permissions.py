"""django-guardian's direct foreign-key permission tables for the two models the door opens.

The door reads object grants from these tables for every model it opens; for performance files
and observations they stay empty: nothing here is ever granted to a person or a group, every
right comes from a relation (``performance.policy``)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .files import PerformanceFile
from .observations import Observation


class PerformanceFileUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE)


class PerformanceFileGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE)


class ObservationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Observation, on_delete=models.CASCADE)


class ObservationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Observation, on_delete=models.CASCADE)
