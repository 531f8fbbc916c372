"""Moving a value this server cannot open out of the way, without losing it."""

import logging

from .keyring import Sealed
from .unreadable import Unreadable

log = logging.getLogger(__name__)


def set_aside(instance, field_name: str, owner=None, reason: str = ""):
    """Keep the ciphertext of ``instance.<field_name>`` (and what it is bound to) in
    ``SetAsideValue``, so the row can be deleted or started afresh; a server holding the key can
    still open it, and rotation re-seals it. Returns the ``SetAsideValue``."""
    from .models import SetAsideValue

    field = instance._meta.get_field(field_name)
    value = instance.__dict__.get(field.attname)
    sealed = value.sealed if isinstance(value, Unreadable) else value
    if not isinstance(sealed, Sealed):
        raise ValueError(f"{field.where(instance)} holds no sealed value to set aside")
    kept = SetAsideValue.objects.create(
        owner=owner,
        what=instance._meta.label_lower,
        field=field.name,
        context=field.context(instance),
        ciphertext=sealed.token,
        key_id=sealed.key_id,
        reason=reason[:300],
    )
    log.warning("Set aside %s as %s (key %r)", field.where(instance), kept.pk, sealed.key_id)
    return kept


__all__ = ["set_aside"]
