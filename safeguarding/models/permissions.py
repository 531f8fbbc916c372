"""django-guardian's direct foreign-key permission tables: the author's grant on a concern, the
handlers' grants on a concern about an adult, and the asker's grant on a request for advice."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .advice import AdviceRequest
from .concerns import Concern


class ConcernUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class ConcernGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class AdviceRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE)


class AdviceRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE)
