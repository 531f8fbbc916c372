"""django-guardian's direct foreign-key permission tables for meetings and the head teacher's
reports. No grant is made on them today (roles and relations decide), but the door asks every
model for its grants, and direct tables keep that one indexed query."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .meetings import Meeting
from .reports import HeadReport


class MeetingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class HeadReportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(HeadReport, on_delete=models.CASCADE)


class HeadReportGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(HeadReport, on_delete=models.CASCADE)
