"""The newest audit seal, kept outside the database.

The keyed chain (``chain.py``) proves that no entry was altered, removed or slipped in between
others, but not that the newest entries are all still there: cutting the end of both tables, or
emptying them, leaves a shorter chain that verifies. So the head of the chain (how many entries,
the newest entry's id and its seal) is written to a file after each good check, and each check
compares the chain with the file: the entry the file names must still be there, at the same place,
with the same seal. The periodic safeguarding check writes the file hourly and emails the DSL a
receipt once a day (a count and the first characters of the seal, no content), so a copy of the
head also lives outside the server.
"""

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import verify_head

log = logging.getLogger(__name__)

WRITE_EVERY_SECONDS = 60 * 60
RECEIPT_DIGEST_CHARACTERS = 12


class CheckpointError(Exception):
    """The audit trail no longer reaches the head a checkpoint recorded, or is broken."""


@dataclass(frozen=True)
class Checkpoint:
    entries: int
    last_entry_id: int | None
    last_digest: str
    written_at: str
    # The day the DSL was last sent a receipt (ISO date), kept across rewrites.
    receipt_sent_on: str = ""

    def describe(self) -> str:
        if not self.entries:
            return f"an empty audit trail (checkpoint of {self.written_at})"
        return (
            f"{self.entries} entries up to audit entry {self.last_entry_id} "
            f"(checkpoint of {self.written_at})"
        )


def read(path: Path) -> Checkpoint | None:
    """The checkpoint in ``path``, None if there is none yet; loud if it cannot be read."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return Checkpoint(
            entries=int(data["entries"]),
            last_entry_id=None if data["last_entry_id"] is None else int(data["last_entry_id"]),
            last_digest=str(data["last_digest"]),
            written_at=str(data["written_at"]),
            receipt_sent_on=str(data.get("receipt_sent_on", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(
            f"The audit checkpoint {path} cannot be read ({type(error).__name__}): "
            "restore it from a backup or the DSL's latest receipt before checking again."
        ) from None


def write(path: Path, checkpoint: Checkpoint) -> None:
    """Replace ``path`` in one step: a reader sees the old checkpoint or the new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(asdict(checkpoint), out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def missing_since(previous: Checkpoint, head) -> str | None:
    """What the chain now lacks compared with ``previous``; None if it still reaches its head.

    The chain has been verified, so if the seal the checkpoint recorded is still at its place
    with the same digest, every entry up to it is the one that was there then."""
    from confidentiality.models import AuditSeal

    if not previous.entries:
        return None
    was = previous.describe()
    if head.entries < previous.entries:
        return (
            f"the audit trail now has {head.entries} entries, but {was}: "
            f"{previous.entries - head.entries} or more entries were removed from its end "
            f"(the newest remaining is audit entry {head.last_entry_id or 'none'})."
        )
    seal = AuditSeal.objects.filter(entry_id=previous.last_entry_id).first()
    if seal is None:
        return f"audit entry {previous.last_entry_id}, the newest in {was}, is missing."
    if seal.digest != previous.last_digest:
        return (
            f"audit entry {previous.last_entry_id}, the newest in {was}, has a different seal: "
            "the trail up to it was rewritten."
        )
    if AuditSeal.objects.filter(id__lte=seal.id).count() != previous.entries:
        return f"the entries before audit entry {previous.last_entry_id} differ from {was}."
    return None


def check_and_write(path: Path, now=None, workers: int = 1) -> tuple[Checkpoint, Checkpoint | None]:
    """Verify the chain, compare it with the checkpoint in ``path`` and write the new one.

    Returns ``(new, previous)``. Raises ``CheckpointError`` (and leaves the file as it was, so
    every later check fails too) if the chain is broken or falls short of the checkpoint."""
    now = now or timezone.now()
    previous = read(path)
    head, broken = verify_head(workers=workers)
    if broken is not None:
        raise CheckpointError(f"Audit trail broken after {head.entries} intact entries: {broken}")
    if previous is not None:
        problem = missing_since(previous, head)
        if problem:
            raise CheckpointError(f"Audit trail cut short: {problem}")
    new = Checkpoint(
        entries=head.entries,
        last_entry_id=head.last_entry_id,
        last_digest=head.last_digest,
        written_at=now.isoformat(timespec="seconds"),
        receipt_sent_on=previous.receipt_sent_on if previous else "",
    )
    write(path, new)
    return new, previous


def periodic(now=None) -> str:
    """The periodic check's step: at most hourly, check against the checkpoint and write a new
    one; once a day email the DSL a receipt. A failure emails the DSL an alert (no content, at
    most hourly) and leaves the checkpoint as it was. Returns what happened."""
    from confidentiality import notifications, roles

    now = now or timezone.now()
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    last_run = path.with_name(f"{path.name}.last-run")
    if last_run.exists() and now.timestamp() - last_run.stat().st_mtime < WRITE_EVERY_SECONDS:
        return "not due"
    path.parent.mkdir(parents=True, exist_ok=True)
    last_run.touch()
    os.utime(last_run, (now.timestamp(), now.timestamp()))
    dsl = roles.current_dsl()
    recipients = [dsl.email] if dsl is not None and dsl.email else []
    when = f"{timezone.localtime(now):%d %B %Y %H:%M}"
    try:
        new, _ = check_and_write(path, now)
    except CheckpointError as error:
        log.error("Audit checkpoint failed: %s", error)
        _send(notifications, "audit_alert", recipients, {"when": when})
        return "failed"
    today = timezone.localdate(now).isoformat()
    if new.receipt_sent_on != today and _send(
        notifications,
        "audit_receipt",
        recipients,
        {
            "when": when,
            "entries": new.entries,
            "digest": new.last_digest[:RECEIPT_DIGEST_CHARACTERS],
        },
    ):
        write(path, replace(new, receipt_sent_on=today))
        return "written, receipt sent"
    return "written"


def _send(notifications, template: str, recipients: list[str], context: dict) -> bool:
    """Send, logging a failing mail server by its error type only; True when sent."""
    try:
        return bool(notifications.send_templated(template, recipients, context))
    except Exception as error:  # any failure of the mail system: try again next hour
        log.error("Audit checkpoint email failed: %s", type(error).__name__)
        return False
