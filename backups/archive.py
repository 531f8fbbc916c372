"""What is inside the sealed file: the manifest first (so a restore can refuse before touching
the database), then the database dump, whose size and SHA-256 the manifest records."""

import hashlib
import json
import os
import struct
from pathlib import Path

from .sealed_file import BackupRefused, SealedWriter, read_sealed

LENGTH = struct.Struct(">I")
COPY_BYTES = 1024 * 1024


def digest_of(path: Path) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as source:
        while block := source.read(COPY_BYTES):
            sha.update(block)
            size += len(block)
    return size, sha.hexdigest()


def write(destination: Path, manifest: dict, dump: Path, backup_key: str) -> None:
    """Seal ``manifest`` (with the dump's size and digest added) and ``dump`` into
    ``destination``, flushed to disk."""
    size, sha = digest_of(dump)
    manifest["dump"] = {**manifest.get("dump", {}), "bytes": size, "sha256": sha}
    encoded = json.dumps(manifest, sort_keys=True).encode()
    # Only the server's own account may read it (it is sealed, but no one else needs it).
    with os.fdopen(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        sealed = SealedWriter(out, backup_key)
        sealed.write(LENGTH.pack(len(encoded)) + encoded)
        with open(dump, "rb") as source:
            while block := source.read(COPY_BYTES):
                sealed.write(block)
        sealed.close()
        out.flush()
        os.fsync(out.fileno())


def open_into(source: Path, backup_key: str, dump: Path) -> dict:
    """Decrypt ``source``, write its dump to ``dump`` and return its manifest, once every chunk
    has authenticated and the dump's size and digest are those the manifest records."""
    name = Path(source).name
    sha, size = hashlib.sha256(), 0
    header = bytearray()
    manifest = None
    with open(source, "rb") as sealed, open(dump, "wb") as out:
        for chunk in read_sealed(sealed, backup_key, name):
            if manifest is None:
                header += chunk
                if len(header) < LENGTH.size:
                    continue
                (length,) = LENGTH.unpack(header[: LENGTH.size])
                if len(header) < LENGTH.size + length:
                    continue
                try:
                    manifest = json.loads(header[LENGTH.size : LENGTH.size + length])
                except ValueError:
                    raise BackupRefused(f"{name}: its manifest cannot be read. Refused.") from None
                chunk = bytes(header[LENGTH.size + length :])
            sha.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if manifest is None:
        raise BackupRefused(f"{name} holds no manifest. Refused.")
    recorded = manifest.get("dump", {})
    if recorded.get("bytes") != size or recorded.get("sha256") != sha.hexdigest():
        raise BackupRefused(
            f"{name}: the database dump inside does not match its manifest "
            f"({size} bytes, expected {recorded.get('bytes')}). Refused."
        )
    return manifest
