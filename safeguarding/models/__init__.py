from .alerts import Alert, Notification
from .casework import Action, CaseNote, Referral
from .concerns import (
    Category,
    Concern,
    ConcernAttachment,
    ConcernDraft,
    ConcernSubject,
)
from .permissions import ConcernGroupObjectPermission, ConcernUserObjectPermission

__all__ = [
    "Action",
    "Alert",
    "CaseNote",
    "Category",
    "Concern",
    "ConcernAttachment",
    "ConcernDraft",
    "ConcernGroupObjectPermission",
    "ConcernSubject",
    "ConcernUserObjectPermission",
    "Notification",
    "Referral",
]
