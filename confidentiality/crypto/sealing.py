"""Which key new values are sealed with: the one the database records, never a server's guess.

A rotation switches every server at once by changing one row (``SealingKey``), so the order of
deploying the new ring and running ``rotate_keys`` cannot lose data: a server that already has the
new ring keeps sealing with the recorded (old) key until the switch; a server that still has the
old ring refuses to seal after it (``SealingRefused``) and keeps reading with the keys it has.

The recorded id costs at most one query per request that seals (pages that only read never ask),
and at most one per ``CACHE_SECONDS`` outside requests (commands, the task worker).
"""

import getpass
import logging
import socket
import time

from django.core.signals import request_started
from django.db import IntegrityError, transaction
from django.test.signals import setting_changed

from .keyring import KeyRing, SealingRefused

log = logging.getLogger(__name__)

CACHE_SECONDS = 5.0
# ``rotate_keys`` waits this long after the switch, so every running process has seen it.
SETTLE_SECONDS = CACHE_SECONDS + 1

_cache: dict = {}


def forget_cached_key(**kwargs) -> None:
    _cache.clear()


def _forget_on_key_change(setting=None, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _cache.clear()


# A request reads the row afresh (once), so a switch is seen by the next request of every process.
request_started.connect(forget_cached_key, dispatch_uid="sealing-key-per-request")
setting_changed.connect(_forget_on_key_change, dispatch_uid="sealing-key-settings")


def _model():
    from .models import SealingKey

    return SealingKey


def recorded_key_id(*, fresh: bool = False) -> str | None:
    """The school's sealing key id, or None before anything was ever sealed."""
    cached = _cache.get("key")
    if not fresh and cached is not None and time.monotonic() - cached[1] < CACHE_SECONDS:
        return cached[0]
    key_id = _model().objects.filter(pk=1).values_list("key_id", flat=True).first()
    _cache["key"] = (key_id, time.monotonic())
    return key_id


def _who() -> str:
    try:
        return f"{getpass.getuser()} on {socket.gethostname()}"[:200]
    except (KeyError, OSError):
        return socket.gethostname()[:200]


def record_sealing_key(key_id: str, by: str = "") -> None:
    """Make ``key_id`` the key every server seals with from now on."""
    _model().objects.update_or_create(pk=1, defaults={"key_id": key_id, "set_by": by or _who()})
    _cache["key"] = (key_id, time.monotonic())


def _record_first(ring: KeyRing) -> str:
    """The very first value sealed on a new database decides (its ring's first key)."""
    try:
        with transaction.atomic():
            _model().objects.create(pk=1, key_id=ring.newest, set_by=_who())
    except IntegrityError:
        pass  # another process recorded it first: theirs counts
    return recorded_key_id(fresh=True) or ring.newest


def sealing_key_id(ring: KeyRing) -> str:
    """The key to seal with now. Raises ``SealingRefused`` when this server's ring lacks it."""
    recorded = recorded_key_id()
    if recorded is None:
        recorded = _record_first(ring)
    if recorded in ring:
        return recorded
    # Perhaps a rotation this process has not seen yet, or a stale cache: ask once more.
    recorded = recorded_key_id(fresh=True)
    if recorded in ring:
        return recorded
    log.error(
        "Refusing to seal: the school's sealing key %r is not in this server's "
        "FIELD_ENCRYPTION_KEYS (give this server the ring rotate_keys was run with)",
        recorded,
    )
    raise SealingRefused(recorded)


__all__ = [
    "CACHE_SECONDS",
    "SETTLE_SECONDS",
    "forget_cached_key",
    "record_sealing_key",
    "recorded_key_id",
    "sealing_key_id",
]
