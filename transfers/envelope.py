"""The sealed file that travels between schools, and its receipt (docs/TRANSFER_FORMAT.md).

Pure cryptography, no database: what goes in is bytes and keys, what comes out is bytes or a
``Refused`` with a sentence for the person importing.

An envelope is a JSON object: the format's name and version, a unique transfer id, the sender's
and recipient's key fingerprints, when it was made, how the payload is encrypted, the ciphertext,
and the sending school's Ed25519 signature over the canonical bytes of everything else.

- **To a school on this software** the payload is encrypted to the receiving school's X25519
  key: a fresh (ephemeral) key pair per file, the shared secret stretched with HKDF-SHA256 into
  an AES-256-GCM key. Only the holder of the receiving school's private key can open it.
- **To a school on other software** it is encrypted with a key stretched by scrypt from a
  one-time passphrase the DSL gives the other school by another channel (a phone call).

The header (everything but the ciphertext and the signature) is the AEAD's associated data too,
so a header moved onto another ciphertext fails twice over.
"""

import base64
import hashlib
import json
import os
import secrets
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "school-transfer"
VERSION = 1
# What an envelope carries, said in its header (and so signed): a child's child-protection file
# (for the DSL) or their main pupil record (for the office). The two always travel apart: the
# header of a pupil record says nothing of any child-protection file.
CHILD_PROTECTION_FILE = "child-protection-file"
PUPIL_RECORD = "pupil-record"
KINDS = (CHILD_PROTECTION_FILE, PUPIL_RECORD)
RECEIPT_FORMAT = "school-transfer-receipt"
RECEIPT_VERSION = 1
TO_KEY = "x25519-hkdf-sha256-aes256gcm"
TO_PASSPHRASE = "scrypt-aes256gcm"  # noqa: S105 (a scheme's name, not a secret)
HKDF_INFO = b"school-transfer v1"
# scrypt's cost: about a tenth of a second here, and 32 MiB, per guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
# No letters that read alike over the phone (0/O, 1/l/I).
PASSPHRASE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105


class Refused(Exception):
    """A file (or receipt) that must not be imported; the message is for the person."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical(obj) -> bytes:
    """The one byte form of a JSON value that is signed: keys sorted, no spaces, ASCII."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


# --- keys ---------------------------------------------------------------------------------------


def raw_public(key) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def new_key_pairs() -> dict[str, bytes]:
    """A school's two key pairs, as raw 32-byte values."""
    signing, encryption = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    return {
        "signing_private": raw_private(signing),
        "signing_public": raw_public(signing.public_key()),
        "encryption_private": raw_private(encryption),
        "encryption_public": raw_public(encryption.public_key()),
    }


def fingerprint(signing_public: bytes, encryption_public: bytes) -> str:
    """What two schools read to each other to be sure of each other's keys: SHA-256 of both
    public keys, as eight groups of four hex digits (half the hash: still 128 bits)."""
    digest = hashlib.sha256(b"school-keys v1" + signing_public + encryption_public).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4)).upper()


@dataclass(frozen=True)
class SchoolIdentity:
    """Who a school is to the format: its name, URN and public keys (and, for this school, its
    private keys)."""

    name: str
    urn: str
    signing_public: bytes
    encryption_public: bytes
    signing_private: bytes = b""
    encryption_private: bytes = b""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.encryption_public)

    def public_keys(self) -> dict:
        """The public keys as the file a school gives its partners (``transfer_keys``)."""
        return {
            "format": "school-public-keys",
            "version": 1,
            "school": self.name,
            "urn": self.urn,
            "signing_key": b64(self.signing_public),
            "encryption_key": b64(self.encryption_public),
            "fingerprint": self.fingerprint,
        }


def read_public_keys(text: str) -> dict:
    """A partner's public-keys file, checked for shape: ``{school, urn, signing_key,
    encryption_key, fingerprint}`` with the keys as bytes. Raises ``Refused``."""
    try:
        data = json.loads(text)
        if data.get("format") != "school-public-keys" or data.get("version") != 1:
            raise ValueError
        signing, encryption = unb64(data["signing_key"]), unb64(data["encryption_key"])
        Ed25519PublicKey.from_public_bytes(signing)
        X25519PublicKey.from_public_bytes(encryption)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise Refused(
            "This is not a school's public-keys file. Ask the other school for the file their "
            "“This school's keys” page gives."
        ) from error
    return {
        "school": str(data.get("school", "")),
        "urn": str(data.get("urn", "")),
        "signing_key": signing,
        "encryption_key": encryption,
        "fingerprint": fingerprint(signing, encryption),
    }


def new_passphrase() -> str:
    """Twenty characters in five groups, to read over the phone (about 99 bits)."""
    chars = "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def _normal_passphrase(passphrase: str) -> bytes:
    # Read over the phone and typed again: spaces, dashes and capitals are not part of it.
    return "".join(c for c in passphrase.lower() if c.isalnum()).encode()


def _scrypt_key(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(_normal_passphrase(passphrase))


def _hkdf_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=HKDF_INFO,
    )
    return hkdf.derive(shared)


# --- sealing ------------------------------------------------------------------------------------


def _header(transfer_id, created_at, sender, recipient, encryption, kind) -> dict:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file: {kind}")
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "transfer_id": str(transfer_id),
        "created_at": created_at,
        "sender": sender,
        "recipient": recipient,
        "encryption": encryption,
    }


def _sign_and_close(header: dict, ciphertext: bytes, sender: SchoolIdentity) -> bytes:
    envelope = {**header, "ciphertext": b64(ciphertext)}
    key = Ed25519PrivateKey.from_private_bytes(sender.signing_private)
    envelope["signature"] = b64(key.sign(canonical(envelope)))
    return json.dumps(envelope, indent=1, sort_keys=True).encode()


def _school(identity: SchoolIdentity | None, name="", urn="") -> dict:
    if identity is None:
        return {"name": name, "urn": urn, "fingerprint": None}
    return {"name": identity.name, "urn": identity.urn, "fingerprint": identity.fingerprint}


def seal_to_school(
    payload: bytes,
    *,
    transfer_id,
    created_at: str,
    sender: SchoolIdentity,
    recipient,
    kind: str = CHILD_PROTECTION_FILE,
) -> bytes:
    """The envelope of ``payload`` for a school on this software (``recipient`` has its public
    keys), signed by ``sender``."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.encryption_public))
    key = _hkdf_key(shared, ephemeral_public, recipient.encryption_public)
    nonce = os.urandom(12)
    header = _header(
        transfer_id,
        created_at,
        _school(sender),
        _school(recipient),
        {"scheme": TO_KEY, "ephemeral_public_key": b64(ephemeral_public), "nonce": b64(nonce)},
        kind,
    )
    ciphertext = AESGCM(key).encrypt(nonce, payload, canonical(header))
    return _sign_and_close(header, ciphertext, sender)


def seal_with_passphrase(
    payload: bytes,
    *,
    transfer_id,
    created_at: str,
    sender: SchoolIdentity,
    passphrase: str,
    recipient_name: str,
    recipient_urn: str,
    kind: str = CHILD_PROTECTION_FILE,
) -> bytes:
    """The envelope of ``payload`` for a school on other software: opened with ``passphrase``."""
    salt, nonce = os.urandom(16), os.urandom(12)
    header = _header(
        transfer_id,
        created_at,
        _school(sender),
        _school(None, recipient_name, recipient_urn),
        {
            "scheme": TO_PASSPHRASE,
            "salt": b64(salt),
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "nonce": b64(nonce),
        },
        kind,
    )
    ciphertext = AESGCM(_scrypt_key(passphrase, salt)).encrypt(nonce, payload, canonical(header))
    return _sign_and_close(header, ciphertext, sender)


# --- opening ------------------------------------------------------------------------------------

NOT_A_FILE = (
    "This is not a child-protection file or a pupil record sent by another school. Nothing was "
    "imported."
)
# A file with its attachments (the import page's upload limit too): a larger one is refused
# before it is read.
MAX_FILE_BYTES = 60 * 1024 * 1024
TOO_LARGE = (
    "This file is larger than any file sent by another school can be (60 MB). Nothing was "
    "imported. Ask the sending school to check it."
)
TAMPERED = (
    "This file has been changed since the sending school signed it, or is damaged. Nothing was "
    "imported. Ask the sending school to send it again, and tell your DSL."
)


def read_envelope(data: bytes) -> dict:
    """The envelope's fields, once its format and version are ones this software reads."""
    if len(data) > MAX_FILE_BYTES:
        raise Refused(TOO_LARGE)
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        # RecursionError: nested far deeper than any envelope is (a few levels), so not one.
        raise Refused(NOT_A_FILE) from error
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise Refused(NOT_A_FILE)
    version = envelope.get("version")
    if type(version) is not int or version != VERSION:  # ``true`` is not version 1
        raise Refused(
            f"This file is in version {envelope.get('version')!s:.20} of the transfer format; "
            f"this software reads version {VERSION}. Nothing was imported. Ask the sending school "
            "to send it in a version both schools read."
        )
    for field in ("transfer_id", "sender", "recipient", "encryption", "signature", "ciphertext"):
        if field not in envelope:
            raise Refused(TAMPERED)
    if not isinstance(envelope["sender"], dict) or not isinstance(envelope["recipient"], dict):
        raise Refused(TAMPERED)
    if envelope.get("kind") not in KINDS:
        raise Refused(TAMPERED)
    try:
        uuid.UUID(str(envelope["transfer_id"]))
    except ValueError as error:
        raise Refused(TAMPERED) from error
    return envelope


def check_signature(envelope: dict, signing_public: bytes) -> None:
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(signing_public).verify(
            unb64(envelope["signature"]), canonical(unsigned)
        )
    except (InvalidSignature, ValueError) as error:
        raise Refused(TAMPERED) from error


def _header_of(envelope: dict) -> dict:
    return {k: v for k, v in envelope.items() if k not in ("ciphertext", "signature")}


def open_with_key(envelope: dict, recipient: SchoolIdentity) -> bytes:
    """The payload of a signature-checked envelope, opened with this school's private key."""
    enc = envelope["encryption"]
    try:
        if enc.get("scheme") != TO_KEY:
            raise ValueError
        ephemeral_public = unb64(enc["ephemeral_public_key"])
        own = X25519PrivateKey.from_private_bytes(recipient.encryption_private)
        shared = own.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _hkdf_key(shared, ephemeral_public, recipient.encryption_public)
        return AESGCM(key).decrypt(
            unb64(enc["nonce"]), unb64(envelope["ciphertext"]), canonical(_header_of(envelope))
        )
    except (InvalidTag, ValueError, KeyError, TypeError, AttributeError) as error:
        raise Refused(TAMPERED) from error


def open_with_passphrase(envelope: dict, passphrase: str) -> bytes:
    """The payload of a passphrase envelope. Raises ``Refused`` on a wrong passphrase."""
    enc = envelope["encryption"]
    try:
        if enc.get("scheme") != TO_PASSPHRASE:
            raise ValueError
        key = _scrypt_key(passphrase, unb64(enc["salt"]))
        return AESGCM(key).decrypt(
            unb64(enc["nonce"]), unb64(envelope["ciphertext"]), canonical(_header_of(envelope))
        )
    except (InvalidTag, ValueError, KeyError, TypeError, AttributeError) as error:
        raise Refused("That passphrase does not open this file.") from error


# --- receipts -----------------------------------------------------------------------------------


def make_receipt(
    *,
    transfer_id,
    received_at: str,
    receiver: SchoolIdentity,
    sender_fingerprint: str,
    digest,
    kind: str = CHILD_PROTECTION_FILE,
) -> bytes:
    """The receiving school's signed word that it imported the file (``digest``: SHA-256 of the
    envelope as received, so the sender knows it was this very file)."""
    receipt = {
        "format": RECEIPT_FORMAT,
        "version": RECEIPT_VERSION,
        "kind": kind,
        "transfer_id": str(transfer_id),
        "received_at": received_at,
        "receiver": _school(receiver),
        "sender_fingerprint": sender_fingerprint,
        "file_sha256": digest,
    }
    key = Ed25519PrivateKey.from_private_bytes(receiver.signing_private)
    receipt["signature"] = b64(key.sign(canonical(receipt)))
    return json.dumps(receipt, indent=1, sort_keys=True).encode()


_RECEIPT_TEXT = ("kind", "transfer_id", "received_at", "sender_fingerprint", "file_sha256")


def read_receipt(data: bytes) -> dict:
    try:
        receipt = json.loads(data)
        if receipt.get("format") != RECEIPT_FORMAT:
            raise ValueError
        # Every field a receipt is read by is text: anything else is no receipt of ours.
        if not all(isinstance(receipt.get(name, ""), str) for name in _RECEIPT_TEXT):
            raise ValueError
    except (ValueError, UnicodeDecodeError, AttributeError, RecursionError) as error:
        raise Refused("This is not a receipt for a file this school sent.") from error
    if receipt.get("version") != RECEIPT_VERSION:
        raise Refused(
            f"This receipt is in version {receipt.get('version')!s:.20} of the format; this "
            f"software reads version {RECEIPT_VERSION}."
        )
    return receipt


def check_receipt_signature(receipt: dict, signing_public: bytes) -> None:
    unsigned = {k: v for k, v in receipt.items() if k != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(signing_public).verify(
            unb64(receipt.get("signature")), canonical(unsigned)
        )
    except (InvalidSignature, ValueError) as error:
        raise Refused(
            "This receipt was not signed by the school the file was sent to, or has been "
            "changed. It was not recorded."
        ) from error


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
