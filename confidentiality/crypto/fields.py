"""Model fields that store only ciphertext.

A value is sealed in ``pre_save`` (where the row is known) and opened lazily, on first attribute
access, by a descriptor (where the row is known again). Lists that never touch an encrypted
attribute never decrypt. Anything that would write plaintext without a row (``QuerySet.update``,
``bulk_update``, a filter on the plaintext) is refused: find rows by a blind index instead.

Models using these fields must have a primary key that exists before the first save (the
``ConfidentialModel`` base gives a UUID), because the row is part of what the value is bound to.

Every value is padded to a length bucket before it is sealed (``keyring.pad``), so its stored
length does not say which choice it is; a field whose length would count its entries (a JSON
list of children) starts at a bigger bucket (``padding_floor``).

A value this server cannot open reads as an ``Unreadable`` (a message for the page, logged with its
field and row, never content); saving the row keeps its ciphertext, and replacing it is refused.
New values are sealed with the school's recorded sealing key (``sealing``), never a guess.
"""

import base64
import datetime
import json
import logging

from django import forms
from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from .keyring import DecryptionError, Sealed, keyring
from .sealing import sealing_key_id
from .unreadable import Unreadable, UnreadableData, UnreadableDate, UnreadableNotReplaced

log = logging.getLogger(__name__)

# Per instance: the value each encrypted attribute held before it was first assigned (a sealed
# value from the database, or its Unreadable), so replacing one this server cannot open is caught.
BEFORE = "_encrypted_before"
# The row's write generation (``ConfidentialModel.seal_version``), bound into every value.
VERSION_FIELD = "seal_version"


class PlaintextRefused(ValueError):
    """Plaintext was about to reach the database without being sealed to its row."""


class OpeningAttribute(DeferredAttribute):
    """Opens the sealed value the first time the attribute is read, then keeps the plaintext."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            try:
                value = self.field.open(value, instance)
            except DecryptionError as error:
                # One field, not the page: the message shows where the value would be.
                log.error("Encrypted value not opened: %s", error)
                missing = value.key_id not in keyring()
                value = self.field.unreadable(value, self.field.where(instance), missing)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        # A data descriptor, so every read passes through __get__ (a plain attribute in
        # __dict__ would otherwise shadow it and hand out the sealed value).
        attname = self.field.attname
        previous = instance.__dict__.get(attname)
        if isinstance(previous, Sealed | Unreadable) and previous is not value:
            instance.__dict__.setdefault(BEFORE, {}).setdefault(attname, previous)
        instance.__dict__[attname] = value


class EncryptedField(models.TextField):
    descriptor_class = OpeningAttribute
    encrypted = True
    unreadable = Unreadable  # what the attribute holds when its value cannot be opened
    # The smallest bucket (bytes) a value is padded to; 0 means the ring's own first bucket.
    padding_floor = 0

    def __init__(self, *args, padding_floor: int | None = None, **kwargs):
        # Not part of ``deconstruct``: padding changes what is stored, never the column.
        if padding_floor is not None:
            self.padding_floor = padding_floor
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    # --- conversions a subclass changes -------------------------------------------------------
    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    # --- sealing ------------------------------------------------------------------------------
    def context(self, instance) -> str:
        """What the value is bound to: model, field, row and the row's write generation
        (``seal_version``), so a value moved to another row or field, or an older value of the
        same field put back with SQL, does not open. Generation 0 is a value sealed before
        generations existed (or by a bulk insert), bound to model, field and row only."""
        base = f"{self.model._meta.label_lower}.{self.name}#{instance.pk}"
        version = instance.__dict__.get(VERSION_FIELD) or 0
        return f"{base}@{version}" if version else base

    def where(self, instance) -> str:
        return f"{self.model._meta.label}.{self.name} (row {instance.pk})"

    def open(self, sealed: Sealed, instance):
        return self.from_plaintext(
            keyring().open(sealed, self.context(instance), self.where(instance))
        )

    def seal(self, value, instance) -> Sealed | None:
        if isinstance(value, Unreadable):
            return value.sealed  # saved back exactly as it was, never as the message
        if isinstance(value, Sealed):
            return value
        self._refuse_replacing_unreadable(instance)
        if value is None or value == "":
            return None
        if instance.pk is None:
            raise PlaintextRefused(f"{self.where(instance)}: the row needs its key before sealing")
        ring = keyring()
        return ring.seal(
            self.to_plaintext(value),
            self.context(instance),
            sealing_key_id(ring),
            at_least=self.padding_floor,
        )

    def _refuse_replacing_unreadable(self, instance) -> None:
        """A value this server cannot open stays as it is: overwriting it (with the message a
        form showed, or anything else) would destroy what the right key can still open."""
        before = instance.__dict__.get(BEFORE, {}).get(self.attname)
        if before is None:
            return
        ring = keyring()
        unreadable = isinstance(before, Unreadable) or before.key_id not in ring
        if not unreadable:
            try:
                ring.open(before, self.context(instance), self.where(instance))
            except DecryptionError:
                unreadable = True
        if unreadable:
            log.error(
                "Refused to overwrite an encrypted value not opened: %s", self.where(instance)
            )
            raise UnreadableNotReplaced(self.where(instance), before.key_id)

    def is_unreadable(self, value) -> bool:
        return isinstance(value, Unreadable)

    def save_form_data(self, instance, data):
        # A form that showed an unreadable value (its message, read-only; or an empty date box)
        # gives it back unchanged or empty: keep the value.
        current = instance.__dict__.get(self.attname)
        if isinstance(current, Unreadable) and (data in (None, "") or data == str(current)):
            return
        super().save_form_data(instance, data)

    def pre_save(self, model_instance, add):
        raw = model_instance.__dict__.get(self.attname)
        return self.seal(raw, model_instance)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        raise PlaintextRefused(
            f"{self.model._meta.label}.{self.name} is encrypted: save the object instead of "
            "writing or filtering on its plaintext"
        )

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        # Serialisers (dumpdata, fixtures) get the ciphertext, never the plaintext.
        raw = obj.__dict__.get(self.attname)
        sealed = self.seal(raw, obj)
        return None if sealed is None else sealed.token

    def get_lookup(self, lookup_name):
        # Only ``isnull`` and exact matches on ciphertext make sense; a plaintext search cannot.
        if lookup_name not in {"isnull", "exact", "in"}:
            return None
        return super().get_lookup(lookup_name)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        pk = self.model._meta.pk
        if not self.model._meta.abstract and not (
            isinstance(pk, models.UUIDField) and pk.has_default()
        ):
            errors.append(
                checks.Error(
                    "Encrypted fields need a primary key known before saving.",
                    hint="Inherit confidentiality.models.ConfidentialModel.",
                    obj=self,
                    id="confidentiality.E001",
                )
            )
        return errors


class ShowsUnreadableReadOnly:
    """A widget mixin: a value this server cannot open is shown as its message, read-only."""

    def get_context(self, name, value, attrs):
        if isinstance(value, Unreadable):
            attrs = {**(attrs or {}), "readonly": True, "aria-readonly": "true"}
        return super().get_context(name, value, attrs)


class EncryptedTextarea(ShowsUnreadableReadOnly, forms.Textarea):
    pass


class EncryptedTextInput(ShowsUnreadableReadOnly, forms.TextInput):
    pass


class EncryptedDateInput(ShowsUnreadableReadOnly, forms.DateInput):
    input_type = "date"


class EncryptedTextField(EncryptedField):
    def formfield(self, **kwargs):
        kwargs.setdefault("widget", EncryptedTextarea)
        return forms.CharField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
            **kwargs,
        )


class EncryptedCharField(EncryptedField):
    """A short encrypted value (a number, a name) shown in a one-line input."""

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", EncryptedTextInput)
        return forms.CharField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
            max_length=200,
            **kwargs,
        )


class EncryptedDateField(EncryptedField):
    unreadable = UnreadableDate

    def to_plaintext(self, value) -> str:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat()

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def formfield(self, **kwargs):
        return forms.DateField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
            **{"widget": EncryptedDateInput, **kwargs},
        )


class EncryptedJSONField(EncryptedField):
    unreadable = UnreadableData
    # A list's length counts its entries (each child named is about 70 bytes, each category about
    # 12): one 256-byte first bucket holds up to three children or a dozen categories alike.
    padding_floor = 256

    def to_plaintext(self, value) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    def from_plaintext(self, text: str):
        return json.loads(text)

    def formfield(self, **kwargs):
        return forms.JSONField(
            required=not self.blank, label=self.verbose_name.capitalize(), **kwargs
        )


class EncryptedBinaryField(EncryptedField):
    """A file's bytes, sealed whole to their row: the database only ever holds ciphertext, and
    key rotation re-seals files like any other value. Not editable in forms (uploads are checked
    by ``confidentiality.uploads`` first). Padded like every value; past 64 KiB in 64 KiB steps,
    so a file costs at most that much more to store (its exact size is a plain column anyway)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def to_plaintext(self, value) -> str:
        return base64.b64encode(bytes(value)).decode("ascii")

    def from_plaintext(self, text: str) -> bytes:
        return base64.b64decode(text)

    def formfield(self, **kwargs):
        return None


def encrypted_fields(model) -> list:
    """The encrypted fields of ``model`` (cached per model: every save asks)."""
    cached = model.__dict__.get("_encrypted_fields_cache")
    if cached is None:
        cached = [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        model._encrypted_fields_cache = cached
    return cached


def encrypted_field_names(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


__all__ = [
    "DecryptionError",
    "Unreadable",
    "UnreadableNotReplaced",
    "EncryptedBinaryField",
    "EncryptedCharField",
    "EncryptedDateField",
    "EncryptedJSONField",
    "EncryptedTextField",
    "PlaintextRefused",
    "encrypted_field_names",
]
