from .academic import Grade, ProgressNote, Subject, Term, WorkItem
from .consent import DiscussionPermission, PhotoConsent, PhotoPurpose, PhotoUse
from .families import FamilyNotice, MeetingRequest, ParentLink
from .family_share import FamilyShareDecision
from .lessons import (
    Lesson,
    LessonGroupObjectPermission,
    LessonUserObjectPermission,
    SensitiveTopic,
)
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
    "Lesson",
    "LessonGroupObjectPermission",
    "LessonUserObjectPermission",
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
    "SensitiveTopic",
    "Student",
    "StudentGroupObjectPermission",
    "StudentUserObjectPermission",
    "SupportAssignment",
    "TalkRequest",
    "TalkRequestGroupObjectPermission",
    "TalkRequestUserObjectPermission",
    "TeachingGroup",
]
