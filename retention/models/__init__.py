"""What the retention app keeps: the school's rule for each kind of record, the legal holds
that stop deletion, the decisions taken at a review, and the certificate of each deletion (P4)."""

from .certificates import DeletionCertificate
from .holds import LegalHold
from .reviews import RetentionReview
from .rules import RetentionRule

__all__ = ["DeletionCertificate", "LegalHold", "RetentionReview", "RetentionRule"]
