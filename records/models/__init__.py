from .academic import Grade, ProgressNote, Subject, Term, WorkItem
from .consent import DiscussionPermission, PhotoConsent, PhotoPurpose, PhotoUse
from .families import FamilyNotice, MeetingRequest, ParentLink
from .family_share import FamilyShareDecision
from .people import Student, SupportAssignment, TeachingGroup
from .permissions import (
    StudentGroupObjectPermission,
    StudentUserObjectPermission,
)
from .sections import RecordSection
from .talk import (
    TalkRequest,
    TalkRequestGroupObjectPermission,
    TalkRequestUserObjectPermission,
)

__all__ = [
    "FamilyShareDecision",
    "DiscussionPermission",
    "FamilyNotice",
    "Grade",
    "MeetingRequest",
    "ParentLink",
    "PhotoConsent",
    "PhotoPurpose",
    "PhotoUse",
    "ProgressNote",
    "Subject",
    "Term",
    "WorkItem",
    "RecordSection",
    "Student",
    "StudentGroupObjectPermission",
    "StudentUserObjectPermission",
    "SupportAssignment",
    "TalkRequest",
    "TalkRequestGroupObjectPermission",
    "TalkRequestUserObjectPermission",
    "TeachingGroup",
]
