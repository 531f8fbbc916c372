"""Raising a concern about a child (P1, P3): recording it with its children, marks and files,
granting its author the summary and routing it to the safeguarding team at once; and keeping
the concern form's draft as it is typed, so nothing typed is ever lost.

Concerns about adults are raised in ``adults``, requests for advice in ``advice``."""

import json
import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone

from confidentiality.crypto import is_unreadable
from confidentiality.crypto.set_aside import set_aside
from confidentiality.notifications import send_templated, team_addresses
from confidentiality.roles import safeguarding_team_contacts

from . import policy, routing
from .models import Concern, ConcernAttachment, ConcernDraft, ConcernUserObjectPermission
from .models.concerns import category_codes

MAX_DRAFT_BYTES = 200_000
# Earlier unsent forms put aside, in the draft, when the person chose to start a new concern
# about another child: kept (encrypted like the rest) until they are sent or discarded.
PUT_ASIDE = "_put_aside"
NOT_KEPT_IN_DRAFTS = {"csrfmiddlewaretoken", "attachments", PUT_ASIDE}

log = logging.getLogger(__name__)


def raise_concern(author, data: dict, subjects, marks, files=()) -> tuple[Concern, bool]:
    """Record a concern and send it to the safeguarding team at once (P3).

    Returns ``(concern, created)``. Submitting the same form twice (same idempotency key)
    returns the first concern and creates nothing.
    """
    # The same form sent again is found by its key when the concern is written (the key is
    # unique): nothing is asked first, and nothing is written twice.
    try:
        with transaction.atomic():
            concern = Concern(
                raised_by=author,
                idempotency_key=data["idempotency_key"],
                category=data["category"],
                other_categories=category_codes(
                    data.get("other_categories") or [], leaving_out=data["category"]
                ),
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
            # Sealed in the concern and indexed blind (``Concern.name_children``).
            concern.name_children(subjects)
            _nothing_points_to_it_yet(concern)
            concern.save()
            for upload in files:
                attach(concern, upload, author)
            _grant_author(concern)
            # The form is sent: a form put aside to write this one comes back, else none is left.
            draft = ConcernDraft.objects.filter(author=author).first()
            if draft is not None:
                if is_unreadable(draft.payload):
                    draft.delete()
                else:
                    _bring_back_put_aside(draft)
            routing.route_new_concern(concern)
    except IntegrityError:
        # Sent before (or two submits raced and the other one won): hand back that concern.
        existing = Concern.objects.filter(idempotency_key=data["idempotency_key"]).first()
        if existing is None:
            raise
        return _same_author(existing, author), False
    return concern, True


def _nothing_points_to_it_yet(concern) -> None:
    """A concern being raised has no details of an adult and no request for advice pointing to
    it: said before it is saved, so its change-log entry (which lists every relation) does not
    ask the database about rows that cannot exist yet."""
    for relation in Concern._meta.related_objects:
        if relation.one_to_one:
            relation.set_cached_value(concern, None)


def _grant_author(concern) -> None:
    """``grants.grant_author`` for a concern just written, in one statement: nobody can hold a
    grant on it yet, so none is looked for, and the permission is named inside the insert."""
    permission = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Concern),
        codename=policy.AUTHOR_PERMISSION,
    ).values("pk")
    ConcernUserObjectPermission.objects.bulk_create(
        [
            ConcernUserObjectPermission(
                permission_id=Subquery(permission),
                user_id=concern.raised_by_id,
                content_object=concern,
            )
        ]
    )


def childrens_services_front_door() -> str:
    """How to reach the local children's social care front door, as the school configured it."""
    return getattr(settings, "CHILDRENS_SERVICES_FRONT_DOOR", "") or (
        "the number is in the school's safeguarding policy"
    )


def what_to_do_now(concern) -> dict | None:
    """For an urgent concern not yet taken up by the team: find the DSL or a deputy in person
    now (who they are and how to reach them), and what to do when nobody from the team can be
    found or a child is in immediate danger. ``None`` for any other concern."""
    if concern.urgency != Concern.Urgency.URGENT or concern.status != Concern.Status.NEW:
        return None
    dsl, deputies = safeguarding_team_contacts()
    return {
        "team": [person for person in (dsl, *deputies) if person is not None],
        "front_door": childrens_services_front_door(),
    }


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
    draft = ConcernDraft.objects.filter(author=author).first()
    if draft is not None and is_unreadable(draft.payload):
        set_aside_unreadable_draft(author, draft)
        draft = None
    if draft is None:
        try:
            with transaction.atomic():
                draft = ConcernDraft(author=author, payload=payload)
                draft.save()
            return draft
        except IntegrityError:
            # The first autosaves of several tabs raced and another created the draft: update it.
            draft = ConcernDraft.objects.get(author=author)
    # The form never posts what was put aside: carry it over, so starting anew loses nothing.
    if draft.payload.get(PUT_ASIDE):
        payload[PUT_ASIDE] = draft.payload[PUT_ASIDE]
    draft.payload = payload
    draft.save()
    return draft


def put_aside_draft(author) -> None:
    """Start a new concern without losing the one begun: the draft as it stands is kept aside
    (in the same encrypted draft) and the form starts empty. It comes back, to be sent or
    discarded, once the new one is sent or discarded: never merged with it."""
    draft = ConcernDraft.objects.filter(author=author).first()
    if draft is None or is_unreadable(draft.payload):
        return
    earlier = list(draft.payload.get(PUT_ASIDE) or [])
    typed = {k: v for k, v in draft.payload.items() if k != PUT_ASIDE}
    if typed:
        earlier.append({"typed": typed, "saved_at": draft.updated_at.isoformat()})
    draft.payload = {PUT_ASIDE: earlier}
    draft.save()


def draft_saved_at(author):
    """When the form being written was last saved (None when there is none)."""
    return ConcernDraft.objects.filter(author=author).values_list("updated_at", flat=True).first()


def put_aside_drafts(author) -> list[dict]:
    """The unsent forms put aside, latest last: each ``{"typed": payload, "saved_at": when}``."""
    draft = ConcernDraft.objects.filter(author=author).first()
    if draft is None or is_unreadable(draft.payload):
        return []
    return [
        {**entry, "saved_at": datetime.fromisoformat(entry["saved_at"])}
        for entry in draft.payload.get(PUT_ASIDE) or []
    ]


def _bring_back_put_aside(draft) -> dict | None:
    """The current form is gone (sent or discarded): the latest form put aside becomes the
    draft again. Returns its payload, or None (and the draft is removed) when there is none."""
    earlier = list(draft.payload.get(PUT_ASIDE) or [])
    if not earlier:
        draft.delete()
        return None
    latest = earlier.pop()
    draft.payload = {**latest["typed"], **({PUT_ASIDE: earlier} if earlier else {})}
    draft.save()
    return latest["typed"]


def set_aside_unreadable_draft(author, draft=None):
    """A draft this server cannot open must never block a report (P3): keep its ciphertext
    aside (never deleted), remove the draft so the form starts empty, and tell the safeguarding
    team. Returns when the draft was last saved, or None when there was nothing to set aside."""
    draft = draft or ConcernDraft.objects.filter(author=author).first()
    if draft is None or not is_unreadable(draft.payload):
        return None
    with transaction.atomic():
        set_aside(draft, "payload", owner=author, reason="unsent concern form not opened")
        ConcernDraft.objects.filter(pk=draft.pk).delete()
    when = f"{timezone.localtime(draft.updated_at):%d %B %Y %H:%M}"
    try:
        send_templated("draft_set_aside", team_addresses(), {"who": str(author), "when": when})
    except Exception as error:  # any failure of the mail system must not reach the reporter
        log.error("Email about a set-aside draft failed: %s", type(error).__name__)
    return draft.updated_at


def _already_submitted(payload) -> bool:
    # A late autosave after the concern was submitted must not bring the old form back.
    key = (payload.get("idempotency_key") or [""])[-1]
    try:
        return Concern.objects.filter(idempotency_key=key).exists()
    except (ValueError, ValidationError):
        return True


def current_draft(author, bring_back=False) -> dict | None:
    """What the person typed into the form they are writing. ``bring_back``: when they are
    writing none, the latest form put aside becomes the one they are writing again."""
    draft = ConcernDraft.objects.filter(author=author).first()
    if draft is None or is_unreadable(draft.payload):
        return None  # an unreadable draft is set aside, never deleted
    typed = {k: v for k, v in draft.payload.items() if k != PUT_ASIDE}
    if not typed:
        # A new form was started: what was put aside waits until it is done or asked for.
        return _bring_back_put_aside(draft) if bring_back else None
    if _already_submitted(typed):
        return _bring_back_put_aside(draft)
    return typed


def discard_draft(author) -> bool:
    """Discard the form being written. Returns True when an earlier one put aside came back."""
    draft = ConcernDraft.objects.filter(author=author).first()
    if draft is None:
        return False
    if is_unreadable(draft.payload):
        draft.delete()
        return False
    return _bring_back_put_aside(draft) is not None
