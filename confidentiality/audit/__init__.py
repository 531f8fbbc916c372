"""The audit glue: change logging, access logging and the subject of each entry.

django-auditlog records changes of every model registered with ``register_confidential``; its
encrypted fields are masked whole (auditlog's own mask leaves half the string readable).
``record_access`` writes the ACCESS entry for a view, download, print or export, at most once per
request and object. The access policy's door (``access.open_object``) calls it, so a view cannot
forget.

An access entry may carry an ``area`` (e.g. ``"safeguarding"``): what kind of work the look was
part of, when the object alone does not say it (a child opened for their chronology, a look at a
list of concerns). Apps hide entries by it (``extensions.audit_trail_filter``), never by the
address the look came from.
"""

import contextlib

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, pre_save

from confidentiality.crypto.blind_index import blind_ref
from confidentiality.crypto.fields import encrypted_field_names
from confidentiality.secret_paths import masked_path_of

from .looks import log_look

MASK = "[encrypted]"
# The purpose of the blind subject keys: never the same reference as any table's.
BLIND_SUBJECT = "audit.subject"


def remember_the_actor(sender, instance, **kwargs):
    """pre_save of every new entry: keep the actor's email with it (auditlog's ``actor_email``,
    never shown), as auditlog itself does for changes made in a request. When the account is
    deleted its key is cleared from the entry (the one update the log allows); the email left
    behind is how the trail tells "a deleted account" from "the system"."""
    if instance.pk is None and instance.actor_id is not None and not instance.actor_email:
        instance.actor_email = getattr(instance.actor, "email", "") or f"user {instance.actor_id}"


pre_save.connect(remember_the_actor, sender=LogEntry, dispatch_uid="audit-remember-actor")


@contextlib.contextmanager
def acting_as(person):
    """Every entry written inside names ``person`` as its actor (unless it names one itself):
    for work done outside a request on someone's behalf, such as the demo school's history.
    Unlike auditlog's ``set_actor`` alone, it may be nested: leaving it gives the outer actor
    back."""
    outer = auditlog_value.get(None)
    try:
        with set_actor(person):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def mask_completely(value) -> str:
    return MASK


def subject_key(obj, blind: bool = False) -> str:
    """Whom an entry is about, as ``"app.model:pk"``. ``blind``: ``"app.model:#<reference>"``, a
    keyed reference the trail can still filter by but a copy of the database cannot read."""
    if blind:
        return f"{obj._meta.label_lower}:#{blind_ref(obj, BLIND_SUBJECT)}"
    return f"{obj._meta.label_lower}:{obj.pk}"


def entry_subject_key(obj) -> str:
    """The subject key of an entry about ``obj``. Objects whose very existence says something
    about the person (a concern about a child, an allegation about an adult) declare
    ``audit_subject_blind = True``: their entries carry the blind form, so the log cannot be
    joined to a child or an adult without the key."""
    subject = obj.audit_subject() if hasattr(obj, "audit_subject") else obj
    return subject_key(subject, blind=getattr(obj, "audit_subject_blind", False))


def subject_keys(key: str) -> list[str]:
    """Both forms of a subject key from a trail filter (``"records.student:<pk>"``), so "who
    has seen this" finds the entries about a person whichever form they were written with."""
    label, sep, pk = key.partition(":")
    if not sep or pk.startswith("#"):
        return [key]
    try:
        model = apps.get_model(label)
        obj = model(pk=model._meta.pk.to_python(pk))
    except (LookupError, ValueError, ValidationError):
        return [key]
    return [subject_key(obj), subject_key(obj, blind=True)]


def register_confidential(model, **options):
    """Log every change of ``model``; encrypted fields appear as changed, never with content.

    ``mask_fields`` adds to the encrypted fields the plain ones naming a person (a child's name
    and pupil number): the log is append-only, so a value written there would outlive the
    record's deletion. ``m2m_fields`` are logged naming the related rows by key only (auditlog
    would write each one's label, a child's name in a class's membership)."""
    options["mask_fields"] = [*encrypted_field_names(model), *options.get("mask_fields", ())]
    # The write generation changes with every save: noise in the history, never a change.
    options["exclude_fields"] = [*options.get("exclude_fields", ()), "seal_version"]
    options.setdefault("mask_callable", "confidentiality.audit.mask_completely")
    options.setdefault("serialize_data", False)
    by_reference = options.pop("m2m_fields", ())
    auditlog.register(model, **options)
    for field_name in by_reference:
        through = getattr(model, field_name).through
        m2m_changed.connect(
            _m2m_logger(model, field_name),
            sender=through,
            weak=False,
            dispatch_uid=f"audit-m2m-{model._meta.label_lower}-{field_name}",
        )
    return model


class _Key:
    """A related row as a membership entry names it: ``"app.model:pk"``, never its label."""

    def __init__(self, model, pk):
        self.key = f"{model._meta.label_lower}:{pk}"

    def __str__(self):
        return self.key


def _m2m_logger(registered, field_name):
    """auditlog's m2m change entry (same shape, actor and request), naming rows by key."""
    from auditlog.receivers import check_disable

    field = registered._meta.get_field(field_name)

    @check_disable
    def log(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            # The rows cleared are only known before they go.
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
            if reverse:
                own, other = other, own
            instance.__dict__[f"_audit_cleared_{field_name}"] = set(
                sender.objects.filter(**{own: instance.pk}).values_list(other, flat=True)
            )
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop(f"_audit_cleared_{field_name}", set())
        elif action not in ("post_add", "post_remove"):
            return
        keys = [_Key(model, pk) for pk in sorted(pk_set or (), key=str)]
        operation = "add" if action == "post_add" else "delete"
        LogEntry.objects.log_m2m_changes(keys, instance, operation, field_name)

    return log


def _client_address(request) -> str | None:
    from confidentiality.middleware import client_address  # the one place that decides (M1)

    return client_address(request)


def mark_area(request, area: str) -> None:
    """Every access entry this request writes from now on is part of ``area``'s work: for a look
    the core writes on an app's behalf (``access.open_object``) at an object that is not the
    app's own, such as the child whose safeguarding chronology is opened."""
    request.__dict__["_audit_area"] = area


def record_access(
    request,
    obj,
    how: str = "view",
    reason: str = "",
    blind: bool = False,
    extra=None,
    area: str = "",
) -> LogEntry | None:
    """Write one ACCESS entry for ``obj`` in this request (P5, P10): who, when, from where, how.

    ``blind``: the look itself is confidential (the safeguarding team opening a child's
    chronology says the child has a safeguarding file), so the entry names ``obj`` only by its
    blind reference: in the object's key, its label, the subject and the address.
    ``area``: the kind of work the look is part of (or the one ``mark_area`` set for this
    request), kept in the entry as ``area``.
    """
    done = request.__dict__.setdefault("_audited_access", set())
    key = (ContentType.objects.get_for_model(obj).pk, str(obj.pk), how)
    if key in done:
        return None
    done.add(key)
    data = {"how": how, "subject": entry_subject_key(obj), "path": masked_path_of(request)[:200]}
    named = {}
    if blind:
        ref = "#" + blind_ref(obj, BLIND_SUBJECT)
        data["subject"] = subject_key(obj, blind=True)
        data["path"] = masked_path_of(request).replace(str(obj.pk), ref)[:200]
        named = {
            "object_pk": ref,
            "object_id": None,
            "object_repr": f"A {obj._meta.verbose_name} (named by reference)",
        }
    if reason:
        data["reason"] = reason
    area = area or request.__dict__.get("_audit_area", "")
    if area:
        data["area"] = area
    data.update(extra or {})  # ids only (e.g. the emergency-access grant), never content
    # The entry and its seal are committed together, without a savepoint of their own, in two
    # statements on PostgreSQL (``looks.log_look``).
    return log_look(
        obj,
        action=LogEntry.Action.ACCESS,
        actor=request.user if request.user.is_authenticated else None,
        remote_addr=_client_address(request),
        additional_data=data,
        changes_text="",
        changes=None,
        **named,
    )


def record_list_look(request, how: str, query: str = "", area: str = "") -> LogEntry | None:
    """One ACCESS entry for a look at a list page (P5, P10): a list has no single object, so the
    entry's subject is the person looking, ``how`` says which list and the address is kept; a
    search keeps what was searched for. The one helper every list page calls (records and
    safeguarding alike), so a look at a list of children or concerns is never left out.
    ``area`` as for ``record_access``."""
    return record_access(
        request,
        request.user,
        how=how,
        reason=f"searched for “{query}”" if query else "",
        area=area,
    )
