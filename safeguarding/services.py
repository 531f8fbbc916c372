"""Verbs that span several models: raising a concern, and keeping its draft (P1, P3)."""

import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from . import routing
from .grants import grant_author
from .models import Concern, ConcernAttachment, ConcernDraft, ConcernSubject

MAX_DRAFT_BYTES = 200_000
NOT_KEPT_IN_DRAFTS = {"csrfmiddlewaretoken", "attachments"}


def raise_concern(author, data: dict, subjects, marks, files=()) -> tuple[Concern, bool]:
    """Record a concern and send it to the safeguarding team at once (P3).

    Returns ``(concern, created)``. Submitting the same form twice (same idempotency key)
    returns the first concern and creates nothing.
    """
    existing = Concern.objects.filter(idempotency_key=data["idempotency_key"]).first()
    if existing is not None:
        return _same_author(existing, author), False
    try:
        with transaction.atomic():
            concern = Concern(
                raised_by=author,
                idempotency_key=data["idempotency_key"],
                category=data["category"],
                urgency=data["urgency"],
                account=data.get("account", ""),
                happened_at=data["happened_at"],
                location=data.get("location", ""),
                bad_time_or_place=data.get("bad_time_or_place", False),
                private_follow_up=data.get("private_follow_up", ""),
                body_map=list(marks),
                actions_taken=data.get("actions_taken", ""),
                told_dsl_in_person=data.get("told_dsl_in_person", False),
                child_told=data.get("child_told", ""),
            )
            concern.save()
            # One save per child (never bulk_create): each naming of a child is in the change log.
            for student, part in subjects:
                ConcernSubject(concern=concern, student=student, part=part).save()
            for upload in files:
                attach(concern, upload, author)
            grant_author(concern)
            ConcernDraft.objects.filter(author=author).delete()
            routing.route_new_concern(concern)
    except IntegrityError:
        # Two submits raced; the other one won. Hand back its concern.
        existing = Concern.objects.filter(idempotency_key=data["idempotency_key"]).first()
        if existing is None:
            raise
        return _same_author(existing, author), False
    return concern, True


def _same_author(concern, author):
    if concern.raised_by_id != author.pk:
        # Someone else's key: never reveal their concern; the form will issue a new key.
        raise PermissionError("This form has already been used. Reload the page.")
    return concern


def attach(concern, upload, by) -> ConcernAttachment:
    """Keep an uploaded file with the concern, encrypted like every other field (P6)."""
    content = b"".join(upload.chunks())
    attachment = ConcernAttachment(
        concern=concern,
        filename=upload.name[:200],
        content_type=getattr(upload, "detected_type", "application/octet-stream"),
        size=len(content),
        content=content,
        uploaded_by=by,
    )
    attachment.save()
    return attachment


def save_draft(author, post) -> ConcernDraft | None:
    """Keep what has been typed so far (never the CSRF token or files). Encrypted (P6)."""
    payload = {k: v for k, v in post.lists() if k not in NOT_KEPT_IN_DRAFTS}
    if len(json.dumps(payload)) > MAX_DRAFT_BYTES or _already_submitted(payload):
        return None
    draft = ConcernDraft.objects.filter(author=author).first() or ConcernDraft(author=author)
    draft.payload = payload
    draft.save()
    return draft


def _already_submitted(payload) -> bool:
    # A late autosave after the concern was submitted must not bring the old form back.
    key = (payload.get("idempotency_key") or [""])[-1]
    try:
        return Concern.objects.filter(idempotency_key=key).exists()
    except (ValueError, ValidationError):
        return True


def current_draft(author) -> dict | None:
    draft = ConcernDraft.objects.filter(author=author).first()
    if draft is None:
        return None
    if _already_submitted(draft.payload):
        draft.delete()
        return None
    return draft.payload


def discard_draft(author) -> None:
    ConcernDraft.objects.filter(author=author).delete()
