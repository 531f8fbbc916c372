"""Start-up check: a server given a key ring without the school's sealing key says so loudly.

Tagged ``database`` (it reads one row), so it runs with ``migrate`` and with
``manage.py check --database default`` (the deployment checklist), not on every ``check``.
"""

from django.core import checks
from django.db import DatabaseError, connections


@checks.register(checks.Tags.database)
def sealing_key_in_ring(app_configs=None, databases=None, **kwargs):
    from .keyring import keyring
    from .models import SealingKey

    errors = []
    for alias in databases or ():
        connection = connections[alias]
        try:
            if SealingKey._meta.db_table not in connection.introspection.table_names():
                continue  # not migrated yet: nothing can have been sealed with a recorded key
            recorded = SealingKey.objects.using(alias).values_list("key_id", flat=True).first()
        except DatabaseError:
            continue
        ring = keyring()
        if recorded is not None and recorded not in ring:
            errors.append(
                checks.Error(
                    f"The school seals new values with key ‘{recorded}’, but this server's "
                    f"FIELD_ENCRYPTION_KEYS holds only {', '.join(ring.order)}: it will refuse to "
                    "save anything encrypted, and cannot open values rotated to the new key.",
                    hint="Give this server the same FIELD_ENCRYPTION_KEYS as the one rotate_keys "
                    "was run with (new key first, then the old ones).",
                    id="confidentiality.E010",
                )
            )
        elif recorded is not None and recorded != ring.newest:
            errors.append(
                checks.Warning(
                    f"This server's first key is ‘{ring.newest}’ but the school still seals with "
                    f"‘{recorded}’: run rotate_keys to finish the rotation.",
                    id="confidentiality.W010",
                )
            )
    return errors
