"""Keyed blind indexes: find a row by a sensitive value without storing the value.

``HMAC-SHA256(BLIND_INDEX_KEY, purpose | normalised value)``: equal inputs give equal digests, so
an exact match works, but the digest reveals nothing without the key (unlike a plain hash of an
NHS number, which could be brute-forced from the ten-digit space).
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models


def normalise(value: str) -> str:
    return "".join(str(value).split()).casefold()


def blind_index(value: str, purpose: str) -> str:
    message = f"{purpose}|{normalise(value)}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()


class BlindIndexField(models.CharField):
    """Kept in step with an encrypted ``source`` field on every save."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.source}"

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        digest = blind_index(value, self.purpose()) if value not in (None, "") else ""
        setattr(model_instance, self.attname, digest)
        return digest

    def digest_for(self, value: str) -> str:
        return blind_index(value, self.purpose())
