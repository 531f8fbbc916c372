"""Preparing, sending and tracking a child's file (the sending school's side).

Steps: **prepared** (the file is built, sealed and signed; the sending school's copy kept),
**sent** (the DSL has sent it: the sealed file to a school on this software, or the one-time link
and, by phone, the passphrase to a school on other software), **received** (the other school
imported it, or collected it through the link) and **confirmed** (its signed receipt recorded, or,
for a school on other software, its confirmation by phone noted by the DSL).

The same steps, the same envelope and the same two ways to send serve both files a child takes
to a new school: the child-protection file (``Transfer``, the DSL's) and the main pupil record
(``RecordTransfer``, the office's). Each is built, drawn and read by its own module
(``FILES``); they are never in one file.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import envelope, payload, pdf, pupil_record
from .models import RecordTransfer, SchoolKeys, Transfer


@dataclass(frozen=True)
class FileKind:
    """One kind of file a child takes to a new school: its model here, how its payload is built
    and read, how its readable copy is drawn, and the name its files are downloaded under."""

    model: type
    build: object
    decode: object
    render: object
    name: str


FILES = {
    envelope.CHILD_PROTECTION_FILE: FileKind(
        Transfer, payload.build, payload.decode, pdf.render, "child-protection-file"
    ),
    envelope.PUPIL_RECORD: FileKind(
        RecordTransfer,
        pupil_record.build,
        pupil_record.decode,
        pdf.render_record,
        "pupil-record",
    ),
}

# How long a one-time link for a school on other software works, and how many wrong
# passphrases end it.
LINK_DAYS = 14
LINK_WRONG_PASSPHRASES = 5


@dataclass(frozen=True)
class Prepared:
    transfer: Transfer
    # Shown once to the DSL, never kept: for a school on other software only.
    passphrase: str = ""
    link_token: str = ""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def prepare(
    *,
    student,
    by,
    starts_on,
    partner=None,
    school_name="",
    school_urn="",
    kind=envelope.CHILD_PROTECTION_FILE,
) -> Prepared:
    """Build, seal and sign ``student``'s file of ``kind`` (their child-protection file, or
    their pupil record) for ``partner`` (a school on this software) or, without one, for
    ``school_name`` with a passphrase and a one-time link."""
    own = SchoolKeys.current().identity()
    files = FILES[kind]
    transfer = files.model(
        id=uuid.uuid4(),
        student=student,
        partner=partner,
        school_name=partner.name if partner else school_name,
        school_urn=partner.urn if partner else school_urn,
        starts_on=starts_on,
        due_at=files.model.deadline_for(starts_on),
        prepared_by=by,
    )
    content = files.build(transfer, sender=own, pdf=b"")
    readable = files.render(content)
    content["readable_copy"]["content_base64"] = envelope.b64(readable)
    plaintext = payload.encode(content)
    created = content["created_at"]
    passphrase = token = ""
    if partner is not None:
        sealed = envelope.seal_to_school(
            plaintext,
            transfer_id=transfer.pk,
            created_at=created,
            sender=own,
            recipient=partner.identity(),
            kind=kind,
        )
    else:
        passphrase, token = envelope.new_passphrase(), secrets.token_urlsafe(32)
        sealed = envelope.seal_with_passphrase(
            plaintext,
            transfer_id=transfer.pk,
            created_at=created,
            sender=own,
            passphrase=passphrase,
            recipient_name=school_name,
            recipient_urn=school_urn,
            kind=kind,
        )
        transfer.link_token_hash = _token_hash(token)
        transfer.link_expires_at = timezone.now() + timedelta(days=LINK_DAYS)
    transfer.sealed_file = sealed
    transfer.readable_copy = readable
    transfer.save()
    return Prepared(transfer, passphrase, token)


def mark_sent(transfer) -> None:
    if transfer.status == Transfer.Status.PREPARED:
        transfer.status = Transfer.Status.SENT
        transfer.sent_at = timezone.now()
        transfer.save(update_fields=["status", "sent_at", "updated_at"])


@transaction.atomic
def record_receipt(data: bytes, by=None, expected=None):
    """Check the receiving school's signed receipt and record it on its transfer (``expected``,
    when the DSL records it from that transfer's page): the file is then received (at the time
    the receipt says) and confirmed. Raises ``envelope.Refused``."""
    receipt = envelope.read_receipt(data)
    own = SchoolKeys.current()
    files = FILES.get(receipt.get("kind"))
    if files is None:
        raise envelope.Refused("This is not a receipt for a file this school sent.")
    transfer = (
        files.model.objects.select_for_update()
        .filter(pk=_uuid(receipt.get("transfer_id")), partner__isnull=False)
        .select_related("partner")
        .first()
    )
    if transfer is None or receipt.get("sender_fingerprint") != own.fingerprint:
        raise envelope.Refused("This receipt is for a file this school did not send.")
    if expected is not None and (transfer.pk, type(transfer)) != (expected.pk, type(expected)):
        raise envelope.Refused("This receipt is for another child's transfer.")
    envelope.check_receipt_signature(receipt, transfer.partner.signing_public)
    if receipt.get("file_sha256") != envelope.sha256(bytes(transfer.sealed_file)):
        raise envelope.Refused(
            "This receipt is for a different copy of the file than the one this school sent."
        )
    if transfer.status == Transfer.Status.CONFIRMED:
        return transfer
    transfer.receipt = data
    transfer.received_at = _moment(receipt.get("received_at"))
    transfer.sent_at = transfer.sent_at or transfer.received_at
    transfer.confirmed_at = timezone.now()
    transfer.confirmed_by = by
    transfer.status = Transfer.Status.CONFIRMED
    transfer.save()
    return transfer


def confirm_by_phone(transfer, by) -> None:
    """A school on other software confirmed receipt by phone or letter (after collecting)."""
    now = timezone.now()
    # The record stays true to what happened: a file confirmed by phone was sent and received,
    # when its link was collected if it was (else now), and never "received" but "not sent".
    collected = transfer.link_used_at or now
    transfer.sent_at = transfer.sent_at or collected
    transfer.received_at = transfer.received_at or collected
    transfer.confirmed_at = now
    transfer.confirmed_by = by
    transfer.status = Transfer.Status.CONFIRMED
    transfer.save(
        update_fields=[
            "sent_at",
            "received_at",
            "confirmed_at",
            "confirmed_by",
            "status",
            "updated_at",
        ]
    )


def _uuid(text):
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _moment(text):
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return timezone.now()
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


# --- the one-time link (a school on other software) --------------------------------------------


def transfer_for_link(token: str):
    """The transfer (of either kind of file) whose link this is, while the link still works (not
    used, not expired, not ended by wrong passphrases); else None."""
    if not token:
        return None
    for files in FILES.values():
        transfer = files.model.objects.filter(link_token_hash=_token_hash(token)).first()
        if transfer is not None:
            return transfer if link_works(transfer) else None
    return None


def collect_link(token: str) -> str:
    """The one-time link as the other school types it: built from the configured address of this
    server, never from the request's Host header (which whoever sends the request chooses)."""
    path = reverse("transfers:collect", kwargs={"token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def link_works(transfer) -> bool:
    """Whether the transfer's one-time link still opens: made, not used, not expired, not ended
    by wrong passphrases."""
    return bool(
        transfer.link_token_hash
        and transfer.link_used_at is None
        and transfer.link_expires_at is not None
        and transfer.link_expires_at > timezone.now()
        and transfer.link_wrong_passphrases < LINK_WRONG_PASSPHRASES
    )


@transaction.atomic
def collect(token: str, passphrase: str):
    """``(transfer, content)`` for the right passphrase, and the link is spent; ``(transfer,
    None)`` for a wrong one (counted); ``(None, None)`` when the link no longer works."""
    found = transfer_for_link(token)
    if found is None:
        return None, None
    # Everything is decided on the locked row: guesses made in parallel wait here one by one,
    # and each finds the count (and the expiry, and the use) the one before it left.
    transfer = type(found).objects.select_for_update().get(pk=found.pk)
    if not link_works(transfer):
        return None, None
    # Counted before the passphrase is tried, and given back only for the right one.
    transfer.link_wrong_passphrases += 1
    transfer.save(update_fields=["link_wrong_passphrases", "updated_at"])
    try:
        opened = envelope.open_with_passphrase(
            envelope.read_envelope(bytes(transfer.sealed_file)), passphrase
        )
    except envelope.Refused:
        return transfer, None
    transfer.link_wrong_passphrases -= 1
    now = timezone.now()
    transfer.link_used_at = now
    transfer.received_at = now
    transfer.sent_at = transfer.sent_at or now
    if transfer.status in (Transfer.Status.PREPARED, Transfer.Status.SENT):
        transfer.status = Transfer.Status.RECEIVED
    transfer.save(
        update_fields=[
            "link_used_at",
            "received_at",
            "sent_at",
            "status",
            "link_wrong_passphrases",
            "updated_at",
        ]
    )
    return transfer, FILES[transfer.kind].decode(opened)
