"""Settings read from the environment, loud on error.

Development needs no configuration: the first start generates real random keys into
``var/local-secrets.json`` (git-ignored) and says so. Production (``DEBUG=false``) refuses to
start unless every secret comes from the environment, so no generated or default key ever ships.
"""

import base64
import json
import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}

# Every secret the application needs, with how a fresh one is made.
SECRETS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(50),
    # Comma-separated "id:base64key" entries, newest first (see confidentiality.crypto.keyring).
    "FIELD_ENCRYPTION_KEYS": lambda: f"k1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
    "BLIND_INDEX_KEY": lambda: secrets.token_urlsafe(32),
    "AUDIT_CHAIN_KEY": lambda: secrets.token_urlsafe(32),
    # Encrypts and authenticates the backup files; a backup is useless without it.
    "BACKUP_KEY": lambda: secrets.token_urlsafe(32),
}


def flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def csv(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def load_secrets(debug: bool, local_file: Path) -> dict[str, str]:
    """Return every secret, from the environment or (in development only) the local file."""
    found = {name: os.environ[name] for name in SECRETS if os.environ.get(name)}
    missing = [name for name in SECRETS if name not in found]
    if not missing:
        return found
    if not debug:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG=false: set "
            + ", ".join(missing)
            + " in the environment. Generated development keys are never used in production."
        )
    stored = json.loads(local_file.read_text()) if local_file.exists() else {}
    created = [name for name in missing if name not in stored]
    for name in created:
        stored[name] = SECRETS[name]()
    if created:
        local_file.parent.mkdir(parents=True, exist_ok=True)
        local_file.write_text(json.dumps(stored, indent=2))
        local_file.chmod(0o600)
        print(
            f"Development keys generated into {local_file} ({', '.join(created)}). "
            "Keep this file: without it encrypted data cannot be read.",
            file=sys.stderr,
        )
    return found | {name: stored[name] for name in missing}


def str_(name: str, default: str) -> str:
    return os.environ.get(name) or default
