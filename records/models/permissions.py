"""django-guardian's direct foreign-key permission tables for students: faster than the generic
table (a join on a real key instead of a text object id)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .people import Student


class StudentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Student, on_delete=models.CASCADE)


class StudentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Student, on_delete=models.CASCADE)
