# The key models are defined with the encryption they serve; imported here so Django sees them.
from confidentiality.crypto.models import SealingKey, SetAsideValue

from .agreements import AgreementAcceptance, ConfidentialityAgreement
from .audit import AuditSeal
from .base import ConfidentialModel
from .break_glass import BreakGlassAccess, BreakGlassReason
from .calendar import Closure, Term
from .heartbeat import Heartbeat
from .users import User

__all__ = [
    "AgreementAcceptance",
    "AuditSeal",
    "ConfidentialityAgreement",
    "BreakGlassAccess",
    "BreakGlassReason",
    "Closure",
    "Heartbeat",
    "ConfidentialModel",
    "SealingKey",
    "SetAsideValue",
    "Term",
    "User",
]
