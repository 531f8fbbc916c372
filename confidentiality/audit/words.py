"""What an audit entry says, in words a school reads: who did it, what they did, which fields.

The log keeps codes (``how="nhs-lookup"``, field names such as ``overdue_alerted_at``); the trail
and its export show them here, once. Values are never shown: a change names the fields that
changed (by their verbose names), never what they held, and the bookkeeping fields a person
never edits (keys, write generations, blind references and indexes, timestamps the software
keeps) are left out.

The words for an access ``how`` are the core's own (below) plus each app's: an app that writes
entries with a ``how`` of its own says what it means in an ``audit_words`` module holding
``ACCESS_WORDS = {(area, how): "words"}`` (``area`` as in ``record_access``, "" for any), so the
core needs no knowledge of the app's pages.
"""

from functools import cache
from importlib import import_module

from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from confidentiality.crypto.blind_index import BlindLink

ACTIONS = {
    LogEntry.Action.CREATE: "created",
    LogEntry.Action.UPDATE: "changed",
    LogEntry.Action.DELETE: "deleted",
    LogEntry.Action.ACCESS: "viewed",
}

# The core's own access kinds and account changes (``record_access``, ``open_object``,
# ``team.record_account_change``, ``account_alerts.EVENTS``).
CORE_WORDS = {
    ("", "view"): "viewed",
    ("", "print"): "printed",
    ("", "download"): "downloaded",
    ("", "export"): "exported",
    ("", "edit"): "opened to edit",
    ("", "history"): "read the history of",
    ("", "break-glass"): "opened in an emergency (break-glass)",
    ("", "break-glass ended"): "ended emergency access to",
    ("", "appoint-dsl"): "appointed as the DSL",
    ("", "appoint-deputy"): "appointed as a deputy DSL",
    ("", "remove-deputy"): "removed as a deputy DSL",
    ("", "appoint-chair"): "appointed as chair of governors",
    ("", "appoint-clerk"): "appointed as clerk to the governors",
    ("", "appoint-head"): "appointed as head teacher",
    ("", "role-change"): "changed the roles of",
    ("", "account-deleted"): "deleted the account of",
    ("", "password-reset"): "reset the password of",
    ("", "second-factor-enrolled"): "set up two-factor sign-in for",
    ("", "recovery-codes-issued"): "issued new recovery codes for",
    ("", "appointed-from-the-server"): "gave an appointed role from the server to",
    ("", "email-changed-in-admin"): "changed in the admin the email of",
    ("", "email-changed-by-owner"): "changed the email of",
    ("", "admin-password-set"): "set in the admin the password of",
    ("", "audit-export"): "exported the audit trail",
}


@cache
def access_words() -> dict:
    """The core's words and every app's (``<app>.audit_words.ACCESS_WORDS``), read once."""
    words = dict(CORE_WORDS)
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.audit_words")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.audit_words":
                raise
            continue
        words.update(getattr(module, "ACCESS_WORDS", {}))
    return words


@cache
def _entry_namers() -> list:
    """Every app's ``audit_words.name_entries``, read once."""
    namers = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.audit_words")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.audit_words":
                raise
            continue
        if callable(namer := getattr(module, "name_entries", None)):
            namers.append(namer)
    return namers


def entry_names(entries, reader) -> dict:
    """``{entry.pk: words}``: the records an app's log keeps by a neutral label only (a section
    of a child's record is "Record section …" for ever, so a copy of the log pairs no child with
    what is recorded), named in words at read time for a reader who may know them. Each app says
    it in ``audit_words.name_entries(entries, reader)``."""
    names = {}
    for namer in _entry_namers():
        names.update(namer(entries, reader))
    return names


def did(entry) -> str:
    """What the person did, in words: "viewed", "changed", "opened the chronology PDF of"…"""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    how = data.get("how")
    if not isinstance(how, str) or not how:
        return ACTIONS.get(entry.action, "did something to")
    words = access_words()
    found = words.get((data.get("area", ""), how)) or words.get(("", how))
    if found:
        return found
    # A kind no module describes yet: still readable ("export concern list").
    return how.replace("-", " ").replace("_", " ")


def is_list_look(entry) -> bool:
    """A look at a list page (``record_list_look``, or the trail's own export without a
    record): the entry is about the person looking, so it names no record."""
    return (
        entry.action == LogEntry.Action.ACCESS
        and entry.actor_id is not None
        and entry.content_type.model_class() is type(entry.actor)
        and entry.object_pk == str(entry.actor_id)
    )


def who(entry) -> str:
    """The person who acted, or what stands in for them: "a deleted account" when the person
    was there and their account is gone (the log keeps the email auditlog stamps, never shown),
    "no one signed in" for a look without an account, "the system" for everything done with no
    one at the keyboard (a periodic check, an import run from the server)."""
    if entry.actor_id is not None:
        return str(entry.actor)
    if entry.actor_email:
        return "a deleted account"
    if entry.action == LogEntry.Action.ACCESS:
        return "no one signed in"
    return "the system"


def _blind_links(model) -> dict:
    """``{"<name>_ref": name, "<name>_key": name}`` for each ``BlindLink`` of ``model``."""
    links = {}
    for klass in model.__mro__:
        for name, attribute in vars(klass).items():
            if isinstance(attribute, BlindLink):
                links[attribute.ref_name] = name
                links[attribute.key_name] = name
    return links


def is_bookkeeping(field) -> bool:
    """A field the software keeps and no person edits: the key, the write generation, the
    idempotency key, blind references and indexes, ``created_at``/``updated_at``."""
    if field.auto_created and not field.concrete:
        return True  # a reverse relation (auditlog lists those on creation)
    return field.primary_key or not field.editable


def field_words(model, name: str) -> str | None:
    """A changed field as the school reads it ("Overdue alert sent at"), or None when it is
    bookkeeping or no longer part of the model."""
    links = _blind_links(model)
    if name in links:
        link = links[name]
        return link.replace("_", " ").capitalize()
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if is_bookkeeping(field):
        return None
    words = str(getattr(field, "verbose_name", "") or name.replace("_", " "))
    return words[:1].upper() + words[1:]


def changed_fields(entry) -> list[str]:
    """The fields a change entry changed, in words, in the model's order; none for a creation
    or deletion (every field would be listed) or a look. Never their values."""
    if entry.action != LogEntry.Action.UPDATE or not isinstance(entry.changes, dict):
        return []
    model = entry.content_type.model_class()
    if model is None:
        return []
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    words = []
    for name in sorted(entry.changes, key=lambda n: (order.get(n, len(order)), n)):
        said = field_words(model, name)
        if said and said not in words:
            words.append(said)
    return words
