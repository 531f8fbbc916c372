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


# --- blind references: a link to another row that a copy of the database cannot follow ----------


def blind_ref(obj, purpose: str) -> str:
    """A keyed reference to ``obj`` (any saved model instance) for one purpose.

    ``HMAC(BLIND_INDEX_KEY, purpose | "app.model:pk")``: the same object gives the same reference
    for the same purpose, so a table can be searched by it, but without the key nobody can tell
    which object it stands for, nor match it with the reference of another purpose (another
    table). Used where a plain foreign key would say who a confidential record is about.
    """
    return blind_ref_of(obj._meta.label_lower, obj.pk, purpose)


def blind_ref_of(label: str, pk, purpose: str) -> str:
    """``blind_ref`` from a model label and a primary key (for migrations and raw rows)."""
    return blind_index(f"{label}:{pk}", f"ref|{purpose}")


class BlindRefField(models.CharField):
    """The column of a blind reference: 64 hex digits, indexed, never edited in a form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)


class BlindLink(property):
    """An attribute that stands for a foreign key the database must not see.

    The row keeps two columns instead of ``<name>_id``: ``<name>_ref``, a blind reference (to find
    the rows about someone: ``Model.objects.filter(**Model.<name>.lookup(obj))``), and
    ``<name>_key``, the other row's primary key encrypted to this row (to show who it is). Reading
    the attribute loads the object (one query, or none after ``load``); assigning an object or
    ``None`` sets both columns. A ``property``, so ``Model(<name>=obj)`` works as with a key.

    The reference's purpose is ``"<app>.<model>.<name>"``: renaming the model or the attribute,
    or changing ``BLIND_INDEX_KEY``, needs the references computed again.
    """

    def __init__(self, model: str, *, null: bool = False):
        super().__init__()
        self.model_label = model
        self.null = null

    def __set_name__(self, owner, name):
        self.name = name
        self.ref_name = f"{name}_ref"
        self.key_name = f"{name}_key"
        self.cache_name = f"_{name}_cache"
        self.owner = owner

    def _purpose(self) -> str:
        # Read when used: the owner's ``_meta`` does not exist yet when ``__set_name__`` runs.
        return f"{self.owner._meta.label_lower}.{self.name}"

    def related_model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)

    def ref(self, obj) -> str:
        """The blind reference this attribute stores for ``obj``."""
        return blind_ref(obj, self._purpose())

    def lookup(self, obj, prefix: str = "") -> dict:
        """The filter that finds rows linked to ``obj``: ``{"<prefix><name>_ref": ref}``."""
        return {f"{prefix}{self.ref_name}": self.ref(obj)}

    def pk_of(self, instance):
        """The linked row's primary key (decrypted), or None (none, or not opened here)."""
        key = getattr(instance, self.key_name)
        if not key or getattr(key, "unreadable", False):
            return None
        return self.related_model()._meta.pk.to_python(key)

    def stand_in(self, instance):
        """An unsaved object holding only the linked row's key, or None: enough for a blind
        audit subject key, without a query."""
        pk = self.pk_of(instance)
        return None if pk is None else self.related_model()(pk=pk)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if self.cache_name not in instance.__dict__:
            pk = self.pk_of(instance)
            model = self.related_model()
            found = None if pk is None else model._base_manager.filter(pk=pk).first()
            instance.__dict__[self.cache_name] = found
        return instance.__dict__[self.cache_name]

    def __set__(self, instance, value):
        if value is None:
            if not self.null:
                raise ValueError(f"{self.owner.__name__}.{self.name} cannot be empty")
            setattr(instance, self.ref_name, "")
            setattr(instance, self.key_name, None)
        else:
            if value.pk is None:
                raise ValueError(f"{self.owner.__name__}.{self.name}: save the object first")
            setattr(instance, self.ref_name, self.ref(value))
            setattr(instance, self.key_name, str(value.pk))
        instance.__dict__[self.cache_name] = value

    def __delete__(self, instance):
        instance.__dict__.pop(self.cache_name, None)

    def load(self, instances) -> None:
        """Load the linked objects of many rows in one query (for lists)."""
        pending = [(i, self.pk_of(i)) for i in instances if self.cache_name not in i.__dict__]
        wanted = {pk for _, pk in pending if pk is not None}
        found = self.related_model()._base_manager.in_bulk(wanted) if wanted else {}
        for instance, pk in pending:
            instance.__dict__[self.cache_name] = found.get(pk)


class AfterFetchQuerySet(models.QuerySet):
    """A queryset that runs functions over its rows once they are fetched, e.g. to load the
    objects behind blind links for a whole list in one query (``loading(fn)``)."""

    _after_fetch: tuple = ()

    def loading(self, fn):
        clone = self._chain()
        clone._after_fetch = (*self._after_fetch, fn)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._after_fetch = self._after_fetch
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._after_fetch and self._result_cache:
            rows = [row for row in self._result_cache if isinstance(row, models.Model)]
            if rows:
                for fn in self._after_fetch:
                    fn(rows)
