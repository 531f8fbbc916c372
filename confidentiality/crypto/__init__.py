"""Field encryption: authenticated encryption (AES-GCM) bound to model, field and row."""

from . import checks  # noqa: F401  (registers the start-up check)
from .fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from .keyring import DecryptionError, KeyRing, KeyUnavailable, SealingRefused, keyring
from .unreadable import Unreadable, UnreadableNotReplaced, is_unreadable

__all__ = [
    "DecryptionError",
    "EncryptedDateField",
    "EncryptedJSONField",
    "EncryptedTextField",
    "KeyRing",
    "KeyUnavailable",
    "SealingRefused",
    "Unreadable",
    "UnreadableNotReplaced",
    "is_unreadable",
    "keyring",
]
