from .meetings import AgendaItem, Attendance, Committee, Meeting, Paper
from .minutes import ConfidentialMinuteItem, PublicMinuteItem
from .permissions import (
    HeadReportGroupObjectPermission,
    HeadReportUserObjectPermission,
    MeetingGroupObjectPermission,
    MeetingUserObjectPermission,
)
from .reports import HeadReport, HeadReportItem, Term

__all__ = [
    "AgendaItem",
    "Attendance",
    "Committee",
    "ConfidentialMinuteItem",
    "HeadReport",
    "HeadReportGroupObjectPermission",
    "HeadReportItem",
    "HeadReportUserObjectPermission",
    "Meeting",
    "MeetingGroupObjectPermission",
    "MeetingUserObjectPermission",
    "Paper",
    "PublicMinuteItem",
    "Term",
]
