from .agreements import AgreementAcceptance, ConfidentialityAgreement
from .audit import AuditSeal
from .base import ConfidentialModel
from .break_glass import BreakGlassAccess
from .users import User

__all__ = [
    "AgreementAcceptance",
    "AuditSeal",
    "ConfidentialityAgreement",
    "BreakGlassAccess",
    "ConfidentialModel",
    "User",
]
