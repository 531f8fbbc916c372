"""The audit glue: change logging, access logging and the subject of each entry.

django-auditlog records changes of every model registered with ``register_confidential``; its
encrypted fields are masked whole (auditlog's own mask leaves half the string readable).
``record_access`` writes the ACCESS entry for a view, download, print or export, at most once per
request and object. The access policy's view mixin calls it, so a view cannot forget.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from confidentiality.crypto.fields import encrypted_field_names

MASK = "[encrypted]"


def mask_completely(value) -> str:
    return MASK


def subject_key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def register_confidential(model, **options):
    """Log every change of ``model``; encrypted fields appear as changed, never with content."""
    options.setdefault("mask_fields", encrypted_field_names(model))
    options.setdefault("mask_callable", "confidentiality.audit.mask_completely")
    options.setdefault("serialize_data", False)
    auditlog.register(model, **options)
    return model


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record_access(request, obj, how: str = "view", reason: str = "") -> LogEntry | None:
    """Write one ACCESS entry for ``obj`` in this request (P5, P10): who, when, from where, how."""
    done = request.__dict__.setdefault("_audited_access", set())
    key = (ContentType.objects.get_for_model(obj).pk, str(obj.pk), how)
    if key in done:
        return None
    done.add(key)
    subject = obj.audit_subject() if hasattr(obj, "audit_subject") else obj
    data = {"how": how, "subject": subject_key(subject), "path": request.path[:200]}
    if reason:
        data["reason"] = reason
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        force_log=True,
        actor=request.user if request.user.is_authenticated else None,
        remote_addr=_client_address(request),
        additional_data=data,
        changes_text="",
        changes=None,
    )
