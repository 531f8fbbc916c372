"""Reading the audit trail: which entries a reader may see, and which are about one record.

Every page that shows entries (the trail, its export) starts from ``readable_entries``: each
app's ``extensions.audit_trail_filter`` drops what the reader may not know of, an export of
the trail is shown only to whoever made it and to the safeguarding team (``EXPORT``), and the
head teacher never reads how the chair of governors' account is signed in to
(``chair_sign_in_entries``).
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, CharField, ExpressionWrapper, Q, Value
from django.db.models.functions import Cast, Coalesce

from confidentiality import extensions
from confidentiality.audit import BLIND_SUBJECT
from confidentiality.crypto.blind_index import blind_ref_of
from confidentiality.roles import SAFEGUARDING_TEAM, Role

# The ``how`` of an export of the trail. Its entry says how many entries were exported and with
# which filters: decided when it is READ, never when it is written (a head teacher appointed
# later must not learn from its count that there is more than they may see), it is shown only to
# the person who exported and to the safeguarding team, and it is always about the exporter,
# never the record filtered by (so a real id and a made-up one leave the same entry).
EXPORT = "audit-export"


def without(entries, condition: Q):
    """``entries`` minus those matching ``condition``, NULL-safe. ``exclude`` on a JSON key
    lookup (``additional_data__path__startswith``) also drops every entry without that key,
    because NOT NULL is not true: that hid every change and import entry from the head teacher.
    Here a condition that is NULL for an entry counts as false, so exactly the matches go.
    The test is on each entry's own columns: excluding by id (``pk NOT IN (the matches)``) made
    the database gather every match in the whole log first, half a second of every trail page
    in a log of five million entries."""
    hidden = Coalesce(ExpressionWrapper(condition, output_field=BooleanField()), Value(False))
    return entries.alias(hidden_here=hidden).filter(hidden_here=False)


def readable_entries(reader, entries=None):
    """The entries ``reader`` may see, newest first."""
    if entries is None:
        entries = LogEntry.objects.all()
    entries = entries.select_related("actor", "content_type").order_by("-timestamp", "-id")
    for hide in extensions.audit_trail_filters:
        entries = hide(entries, reader)
    if reader.has_role(Role.HEAD_TEACHER):
        entries = without(entries, chair_sign_in_entries())
    if reader.has_role(*SAFEGUARDING_TEAM):
        return entries
    return without(entries, Q(additional_data__how=EXPORT) & ~Q(actor=reader))


def chair_sign_in_entries() -> Q:
    """Entries on the chair of governors' account about how it is signed in to (a password
    reset, a second factor set up, recovery codes, a new email address), written while the
    account was the chair's or on the current chair's account. Hidden from the head teacher
    (even one who is also the DSL): the chair sets up a second factor to open a concern about
    the head, and the head must not learn of it from the trail (``account_alerts`` does not
    email the head of them either)."""
    from django.contrib.auth import get_user_model

    from confidentiality import account_alerts, roles

    chairs = [str(pk) for pk in roles.holders(Role.CHAIR_OF_GOVERNORS).values_list("pk", flat=True)]
    return (
        Q(content_type=ContentType.objects.get_for_model(get_user_model()))
        & Q(additional_data__how__in=sorted(account_alerts.SIGN_IN_EVENTS))
        & (
            Q(object_pk__in=chairs)
            | Q(**{f"additional_data__{account_alerts.ABOUT_THE_CHAIR}": True})
        )
    )


def resolve(key: str):
    """``"app.model:pk"`` → (model, pk) or None when it names no model or no valid key."""
    label, sep, pk = (key or "").partition(":")
    if not sep or not pk or pk.startswith("#"):
        return None
    try:
        model = apps.get_model(label)
        return model, model._meta.pk.to_python(pk)
    except (LookupError, ValueError, ValidationError):
        return None


def parts_of(model) -> list[tuple]:
    """The audited models whose rows belong to one ``model`` row, with the field that says
    which: a note, an action or a referral of a concern."""
    parts = []
    for candidate in apps.get_models():
        if candidate is model or not auditlog.contains(candidate):
            continue
        for field in candidate._meta.concrete_fields:
            belongs = field.is_relation and (field.many_to_one or field.one_to_one)
            if belongs and field.related_model is model:
                parts.append((candidate, field.name))
    return parts


def about_object(model, pk) -> Q:
    """The entries of one record and of every audited record that belongs to it, in one query
    for all its parts, whatever their kinds and their number."""
    # Looks written blind (``record_access(blind=True)``) name the record by reference only.
    blind = "#" + blind_ref_of(model._meta.label_lower, pk, BLIND_SUBJECT)
    condition = Q(
        content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk), blind]
    )
    for part, pks in _parts_by_kind(model, pk).items():
        condition |= Q(content_type=ContentType.objects.get_for_model(part), object_pk__in=pks)
    return condition


def _parts_by_kind(model, pk) -> dict:
    """``{part model: [its rows' keys, as the log writes them]}`` for the rows that belong to
    one record: one UNION of every kind of part. Keys are read as text and written again as the
    log writes them (``str(pk)``): a UUID is stored differently on each database."""
    parts = parts_of(model)
    if not parts:
        return {}
    queries = [
        part._default_manager.filter(**{field: pk})
        .order_by()
        .annotate(part=Value(index), key=Cast("pk", CharField()))
        .values_list("part", "key")
        for index, (part, field) in enumerate(parts)
    ]
    found: dict = {}
    for index, key in queries[0].union(*queries[1:], all=True).order_by():
        part = parts[index][0]
        found.setdefault(part, []).append(str(part._meta.pk.to_python(key)))
    return found
