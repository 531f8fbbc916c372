"""django-guardian's direct foreign-key permission tables: the author's grant on a concern, the
handlers' grants on a concern about an adult, the asker's grant on a request for advice, and the
grant of the person an action is set for on that action (their task)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .advice import AdviceRequest
from .casework import Action
from .concerns import Concern


class ConcernUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class ConcernGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class AdviceRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE)


class AdviceRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE)


class ActionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Action, on_delete=models.CASCADE)


class ActionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Action, on_delete=models.CASCADE)
