"""A start-up check of ``BACKUP_KEY``: long enough to be a key, and not one of the other
secrets, so that whoever holds the backups and one other key still cannot open them."""

from django.conf import settings
from django.core.checks import Error, register

from .sealed_file import MIN_KEY_CHARACTERS

OTHER_SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_CHAIN_KEY")


@register()
def backup_key_stands_apart(app_configs=None, **kwargs) -> list[Error]:
    key = getattr(settings, "BACKUP_KEY", "")
    errors = []
    if len(key) < MIN_KEY_CHARACTERS:
        errors.append(
            Error(
                f"BACKUP_KEY must be a random secret of at least {MIN_KEY_CHARACTERS} characters.",
                hint="python -c 'import secrets; print(secrets.token_urlsafe(32))'",
                obj="settings.BACKUP_KEY",
                id="backups.E001",
            )
        )
    for name in OTHER_SECRETS:
        other = str(getattr(settings, name, ""))
        if key and (key == other or key in other.split(",") or f":{key}" in other):
            errors.append(
                Error(
                    f"BACKUP_KEY is the same as {name}: a backup must need a key of its own.",
                    obj="settings.BACKUP_KEY",
                    id="backups.E002",
                )
            )
    return errors
