"""django-guardian's direct foreign-key permission tables for the request, read by the door for
every model it opens. They stay empty: the right to handle a request is a relation (being on
the safeguarding team, ``subject_access.policy``), never a grant."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .requests import SubjectAccessRequest


class SubjectAccessRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE)


class SubjectAccessRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE)
