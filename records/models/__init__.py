from .people import Student, SupportAssignment, TeachingGroup
from .permissions import (
    StudentGroupObjectPermission,
    StudentUserObjectPermission,
)
from .sections import RecordSection

__all__ = [
    "RecordSection",
    "Student",
    "StudentGroupObjectPermission",
    "StudentUserObjectPermission",
    "SupportAssignment",
    "TeachingGroup",
]
