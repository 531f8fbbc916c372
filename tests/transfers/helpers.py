"""Files from another school, made in memory: a school identity of its own (keys this database
has never seen until it is recorded as a partner) seals a child's file to this school."""

import json
import uuid

from django.utils import timezone

from transfers import envelope, payload
from transfers.forms import PartnerForm
from transfers.models import SchoolKeys, Transfer


def school(name="Northgate School", urn="111222") -> envelope.SchoolIdentity:
    keys = envelope.new_key_pairs()
    return envelope.SchoolIdentity(name=name, urn=urn, **keys)


def record_partner(identity: envelope.SchoolIdentity):
    keys = identity.public_keys()
    form = PartnerForm({"keys": json.dumps(keys), "fingerprint": keys["fingerprint"]})
    assert form.is_valid(), form.errors
    return form.save()


def content_for(child, by, sender: envelope.SchoolIdentity, transfer_id=None) -> dict:
    transfer = Transfer(
        id=transfer_id or uuid.uuid4(),
        student=child,
        school_name="Riverside",
        starts_on=timezone.localdate(),
        prepared_by=by,
    )
    return payload.build(transfer, sender=sender, pdf=b"%PDF-1.4 readable")


def sealed_file(content: dict, sender, recipient=None) -> bytes:
    """``content`` sealed by ``sender`` to ``recipient`` (by default: this school)."""
    recipient = recipient or SchoolKeys.current().identity()
    return envelope.seal_to_school(
        payload.encode(content),
        transfer_id=content["transfer_id"],
        created_at=content["created_at"],
        sender=sender,
        recipient=recipient,
    )


def resigned(data: bytes, sender, **changes) -> bytes:
    """The envelope with ``changes`` made to its header and signed again by ``sender``: only what
    was changed is wrong."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    sealed = {k: v for k, v in json.loads(data).items() if k != "signature"}
    sealed.update(changes)
    key = Ed25519PrivateKey.from_private_bytes(sender.signing_private)
    sealed["signature"] = envelope.b64(key.sign(envelope.canonical(sealed)))
    return json.dumps(sealed).encode()
