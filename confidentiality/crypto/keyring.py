"""The key ring: every field-encryption key the school has, newest first.

``FIELD_ENCRYPTION_KEYS`` is ``"k2:<base64 32 bytes>,k1:<base64 32 bytes>"``; any listed key opens
values it made. New values are sealed with the key the database records as the school's sealing
key (``confidentiality.crypto.sealing``), which ``rotate_keys`` sets to the first key of its ring
before it re-seals old values; a server whose ring lacks that key refuses to seal instead of
writing values with an old key. An old key is removed from the list only after
``rotate_keys --retire`` has confirmed that no value is left on it.

A sealed value is ``<key id>$v2.<base64url(nonce || ciphertext+tag)>``. The associated data names
the model, the field and the row, so a value copied into another column or row fails to open, and
the format, so a value cannot be passed off as the other format either.

The plaintext is padded before it is sealed (``pad``), so a copy of the database cannot tell
values apart by their length: "low_level" and "allegation", "progress" and "no_progress", one
category or two, all lie in the same 32-byte bucket. What still shows is the bucket (see
``padded_length``). Values sealed before padding existed (format 1: ``<key id>$<base64url>``, no
``v2.``) still open; ``rotate_keys`` re-seals them in the padded format, even on the same key.
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
# The padded format's mark, right after the key id's separator. Base64url never holds a "." and
# a key id never holds a "$", so "$v2." appears in a token exactly when it is in this format.
PADDED = "v2."
PADDED_MARK = SEPARATOR + PADDED
# What the associated data of a padded value adds to its context (see ``_associated_data``).
PADDED_BINDING = "\x1fpadded-v2"

# Padding buckets, in bytes of padded plaintext. Short values (choices, dates, numbers, names)
# step by 32 bytes, so every choice of a field lands in the same bucket; longer ones by powers of
# two, so a text's length shows only roughly; past 64 KiB (files) by 64 KiB, so a file costs at
# most 64 KiB more to store rather than twice its size.
SHORT_STEP = 32
SHORT_LIMIT = 256
LARGE_STEP = 64 * 1024
PAD_MARK = b"\x80"  # ISO/IEC 7816-4: one 0x80 byte, then zeros up to the bucket


def padded_length(length: int, at_least: int = 0) -> int:
    """The bucket a plaintext of ``length`` bytes is padded to (room for the 0x80 mark included),
    never less than ``at_least`` (a field whose length would say how many entries it holds, such
    as a list of children, asks for a bigger first bucket)."""
    need = max(length + 1, at_least)
    if need <= SHORT_LIMIT:
        return -(-need // SHORT_STEP) * SHORT_STEP
    if need <= LARGE_STEP:
        return 1 << (need - 1).bit_length()
    return -(-need // LARGE_STEP) * LARGE_STEP


# The mark and zeros that end a short value, made once: padding adds no allocation but the result.
_TAILS = [PAD_MARK + bytes(zeros) for zeros in range(SHORT_LIMIT)]


def pad(data: bytes, at_least: int = 0) -> bytes:
    zeros = padded_length(len(data), at_least) - len(data) - 1
    return data + (_TAILS[zeros] if zeros < SHORT_LIMIT else PAD_MARK + bytes(zeros))


def unpad(padded: bytes) -> bytes:
    """Undo ``pad``: drop the trailing zeros, then the 0x80 mark. The plaintext's own trailing
    zeros or 0x80 bytes stay (they come before the mark). Raises ``ValueError`` without a mark."""
    body = padded.rstrip(b"\x00")
    if not body.endswith(PAD_MARK):
        raise ValueError("padding has no 0x80 mark")
    return body[:-1]


def _associated_data(context: str, padded: bool) -> bytes:
    # The format is bound in, so removing the "v2." mark (or adding one) makes the value fail to
    # open rather than open with its padding still on (or cut short).
    return (context + PADDED_BINDING if padded else context).encode()


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

    @property
    def padded(self) -> bool:
        """Sealed in the padded format (False for values sealed before padding existed: their
        length can say what they are until ``rotate_keys`` re-seals them)."""
        return PADDED_MARK in self.token

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

    def seal(
        self, plaintext: str, context: str, key_id: str | None = None, *, at_least: int = 0
    ) -> Sealed:
        """Seal with ``key_id`` (by default the ring's first key), padded to its bucket
        (``at_least`` raises the first bucket, see ``padded_length``)."""
        key_id = key_id or self.newest
        nonce = os.urandom(NONCE_BYTES)
        data = self._keys[key_id].encrypt(
            nonce, pad(plaintext.encode(), at_least), _associated_data(context, True)
        )
        body = base64.urlsafe_b64encode(nonce + data).decode().rstrip("=")
        return Sealed(f"{key_id}{PADDED_MARK}{body}")

    def open(self, sealed: Sealed, context: str, where: str) -> str:
        key_id, _, body = sealed.token.partition(SEPARATOR)
        padded = body.startswith(PADDED)
        if padded:
            body = body[len(PADDED) :]
        if not body:
            raise DecryptionError(f"{where}: the stored value is not sealed with any key")
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionError(
                f"{where}: sealed with key {key_id!r}, which is not in FIELD_ENCRYPTION_KEYS"
            )
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            data = key.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(context, padded)
            )
            return (unpad(data) if padded else data).decode()
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
