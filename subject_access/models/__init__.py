"""Subject-access requests (P4); what is encrypted and what is plain is said in ``requests``."""

from .permissions import (
    SubjectAccessRequestGroupObjectPermission,
    SubjectAccessRequestUserObjectPermission,
)
from .requests import SubjectAccessRequest

__all__ = [
    "SubjectAccessRequest",
    "SubjectAccessRequestGroupObjectPermission",
    "SubjectAccessRequestUserObjectPermission",
]
