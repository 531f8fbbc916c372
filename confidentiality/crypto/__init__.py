"""Field encryption: authenticated encryption (AES-GCM) bound to model, field and row."""

from .fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from .keyring import DecryptionError, KeyRing, keyring

__all__ = [
    "DecryptionError",
    "EncryptedDateField",
    "EncryptedJSONField",
    "EncryptedTextField",
    "KeyRing",
    "keyring",
]
