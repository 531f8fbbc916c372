"""The backup file: encrypted and authenticated whole with ``BACKUP_KEY``, written and read in
chunks so a large school never needs its database in memory.

Layout: a header (``MAGIC``, a random salt, the key's fingerprint, the chunk size), then records
``[last: 1 byte][length: 4 bytes][AES-256-GCM ciphertext and tag]``. Each file has its own key,
derived from ``BACKUP_KEY`` and the salt (HKDF-SHA256), so the chunk counter can be the nonce.
The counter and the "last" flag are in the nonce and the header is in every chunk's associated
data, so a chunk changed, moved, dropped or added, a file cut short, or a header edited, fails
to open. The fingerprint (a keyed digest, not the key) tells "made with another key" apart from
"altered" before anything is decrypted.
"""

import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SCHOOL-BACKUP\x00v1"
SALT_BYTES = 32
FINGERPRINT_BYTES = 8
CHUNK_BYTES = 1024 * 1024
HEADER = struct.Struct(f">{len(MAGIC)}s{SALT_BYTES}s{FINGERPRINT_BYTES}sI")
RECORD = struct.Struct(">BI")
TAG_BYTES = 16
MIN_KEY_CHARACTERS = 32


class BackupRefused(Exception):
    """The file cannot be trusted or opened; ``str()`` names why, for the technician."""


def check_key(backup_key: str) -> bytes:
    if not backup_key or len(backup_key) < MIN_KEY_CHARACTERS:
        raise BackupRefused(
            f"BACKUP_KEY must be a random secret of at least {MIN_KEY_CHARACTERS} characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    return backup_key.encode()


def fingerprint(backup_key: str) -> str:
    """A short keyed digest naming the key (safe to show: it says nothing of the key)."""
    digest = hmac.new(check_key(backup_key), b"school backup key fingerprint", hashlib.sha256)
    return digest.hexdigest()[: FINGERPRINT_BYTES * 2]


def _file_key(backup_key: str, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"school backup file v1"
    ).derive(check_key(backup_key))
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A file-like sink: ``write`` plaintext, ``close`` seals the last chunk."""

    def __init__(self, out: BinaryIO, backup_key: str):
        self._out = out
        salt = os.urandom(SALT_BYTES)
        self._header = HEADER.pack(MAGIC, salt, bytes.fromhex(fingerprint(backup_key)), CHUNK_BYTES)
        self._aead = _file_key(backup_key, salt)
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), chunk, self._header)
        self._out.write(RECORD.pack(int(last), len(sealed)) + sealed)
        self._counter += 1


def read_sealed(source: BinaryIO, backup_key: str, name: str) -> Iterator[bytes]:
    """The plaintext chunks of a sealed file, each given only once it has authenticated; raises
    ``BackupRefused`` naming the problem (another key, altered, cut short)."""
    header = source.read(HEADER.size)
    if len(header) < HEADER.size or not header.startswith(MAGIC):
        raise BackupRefused(f"{name} is not a backup made by this application.")
    _, salt, stored_fingerprint, chunk_bytes = HEADER.unpack(header)
    ours = fingerprint(backup_key)
    if stored_fingerprint.hex() != ours:
        raise BackupRefused(
            f"{name} was sealed with a different BACKUP_KEY (key fingerprint "
            f"{stored_fingerprint.hex()}; this server's BACKUP_KEY is {ours}). Set the "
            "BACKUP_KEY the school kept with its keys when this backup was made. Refused."
        )
    aead = _file_key(backup_key, salt)
    counter = 0
    while True:
        record = source.read(RECORD.size)
        if len(record) < RECORD.size:
            raise BackupRefused(
                f"{name} ends early (after part {counter}): it was cut short or damaged. Refused."
            )
        last, length = RECORD.unpack(record)
        if last not in (0, 1) or not TAG_BYTES <= length <= chunk_bytes + TAG_BYTES:
            raise BackupRefused(
                f"{name} has been altered or damaged (part {counter + 1}). Refused."
            )
        sealed = source.read(length)
        if len(sealed) < length:
            raise BackupRefused(
                f"{name} ends early (in part {counter + 1}): it was cut short or damaged. Refused."
            )
        try:
            chunk = aead.decrypt(_nonce(counter, bool(last)), sealed, header)
        except InvalidTag:
            raise BackupRefused(
                f"{name} has been altered or damaged (part {counter + 1} does not authenticate "
                "with the BACKUP_KEY it was made with). Refused."
            ) from None
        counter += 1
        yield chunk
        if last:
            break
    if source.read(1):
        raise BackupRefused(f"{name} has data after its end: it was altered. Refused.")
