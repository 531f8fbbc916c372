from .audit import AuditSeal
from .base import ConfidentialModel
from .break_glass import BreakGlassAccess
from .users import User

__all__ = ["AuditSeal", "BreakGlassAccess", "ConfidentialModel", "User"]
