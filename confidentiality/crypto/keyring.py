"""The key ring: every field-encryption key the school has, newest first.

``FIELD_ENCRYPTION_KEYS`` is ``"k2:<base64 32 bytes>,k1:<base64 32 bytes>"``; any listed key opens
values it made. New values are sealed with the key the database records as the school's sealing
key (``confidentiality.crypto.sealing``), which ``rotate_keys`` sets to the first key of its ring
before it re-seals old values; a server whose ring lacks that key refuses to seal instead of
writing values with an old key. An old key is removed from the list only after
``rotate_keys --retire`` has confirmed that no value is left on it.

A sealed value is ``<key id>$<base64url(nonce || ciphertext+tag)>``. The associated data names the
model, the field and the row, so a value copied into another column or row fails to open.
"""

import base64
import binascii
import functools
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
SEPARATOR = "$"
NOT_SEALED = "(not sealed)"


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong or missing key, or moved from elsewhere."""


class KeyUnavailable(Exception):
    """This server cannot write an encrypted value now; nothing was written. ``str()`` is a
    sentence for the person at the screen, never content."""

    status = 503


class SealingRefused(KeyUnavailable):
    """The school seals new values with a key this server's ring does not hold (the server was
    not given the new ring). Writing with an older key would leave values behind that the next
    step of the rotation, dropping that key, would lose."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        super().__init__(
            "The server is being updated with a new encryption key, so nothing can be saved on "
            "it for a few minutes. Nothing has been saved. Please try again shortly; if this "
            f"keeps happening, tell the IT administrator (this server lacks the key ‘{key_id}’)."
        )


@dataclass(frozen=True, slots=True)
class Sealed:
    """Ciphertext as it lies in the database, not yet opened."""

    token: str

    @property
    def key_id(self) -> str:
        # A stored value without a key id is not ciphertext: never echo it (it may be plaintext).
        if SEPARATOR not in self.token:
            return NOT_SEALED
        return self.token.split(SEPARATOR, 1)[0]

    def __str__(self):  # never the plaintext, and never mistaken for it
        return "[encrypted]"


class KeyRing:
    def __init__(self, spec: str):
        self._keys: dict[str, AESGCM] = {}
        self.order: list[str] = []
        for entry in filter(None, (part.strip() for part in spec.split(","))):
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id or SEPARATOR in key_id or key_id in self._keys:
                raise ImproperlyConfigured(
                    "FIELD_ENCRYPTION_KEYS entries must be 'id:base64key' with unique ids"
                )
            try:
                raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError):
                raise ImproperlyConfigured(f"Encryption key {key_id!r} is not base64") from None
            if len(raw) != 32:
                raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes")
            self._keys[key_id] = AESGCM(raw)
            self.order.append(key_id)
        if not self.order:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds no key")

    @property
    def newest(self) -> str:
        return self.order[0]

    def __contains__(self, key_id: str) -> bool:
        return key_id in self._keys

    def seal(self, plaintext: str, context: str, key_id: str | None = None) -> Sealed:
        """Seal with ``key_id`` (by default the ring's first key)."""
        key_id = key_id or self.newest
        nonce = os.urandom(NONCE_BYTES)
        data = self._keys[key_id].encrypt(nonce, plaintext.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + data).decode().rstrip("=")
        return Sealed(f"{key_id}{SEPARATOR}{body}")

    def open(self, sealed: Sealed, context: str, where: str) -> str:
        key_id, _, body = sealed.token.partition(SEPARATOR)
        if not body:
            raise DecryptionError(f"{where}: the stored value is not sealed with any key")
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionError(
                f"{where}: sealed with key {key_id!r}, which is not in FIELD_ENCRYPTION_KEYS"
            )
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, ValueError, binascii.Error):
            raise DecryptionError(
                f"{where}: the value does not open with key {key_id!r} for this field and row "
                "(wrong key, damaged, or copied from another row or column)"
            ) from None


@functools.lru_cache(maxsize=4)
def _ring_for(spec: str) -> KeyRing:
    return KeyRing(spec)


def keyring() -> KeyRing:
    """The ring for the current settings (cached per setting value, so tests can swap keys)."""
    return _ring_for(settings.FIELD_ENCRYPTION_KEYS)


def new_key_entry(key_id: str) -> str:
    """A fresh ``id:base64key`` entry, for ``rotate_keys --new-key`` and first-run setup."""
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"
