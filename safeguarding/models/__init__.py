from .adults import ConcernAboutAdult
from .advice import AdviceRequest
from .alerts import Alert, Notification
from .casework import Action, CaseNote, Referral
from .concerns import (
    Category,
    Concern,
    ConcernAttachment,
    ConcernDraft,
    ConcernSubject,
)
from .permissions import (
    AdviceRequestGroupObjectPermission,
    AdviceRequestUserObjectPermission,
    ConcernGroupObjectPermission,
    ConcernUserObjectPermission,
)
from .sharing import InformationShare, LawfulBasis, SpecialCategoryCondition
from .training import Course, Policy, PolicyReading, TrainingRecord, TrainingReminder

__all__ = [
    "Action",
    "AdviceRequest",
    "AdviceRequestGroupObjectPermission",
    "AdviceRequestUserObjectPermission",
    "Alert",
    "CaseNote",
    "Category",
    "Concern",
    "ConcernAboutAdult",
    "ConcernAttachment",
    "ConcernDraft",
    "ConcernGroupObjectPermission",
    "ConcernSubject",
    "ConcernUserObjectPermission",
    "Course",
    "InformationShare",
    "LawfulBasis",
    "Notification",
    "Policy",
    "PolicyReading",
    "Referral",
    "SpecialCategoryCondition",
    "TrainingRecord",
    "TrainingReminder",
]
