"""What the audit trail ("who has seen what") may show of safeguarding work.

The trail is read by the safeguarding team and the head teacher. The head may never read
concerns unless also on the team, and the mere existence of a concern about a named child is
confidential (P3, P5): an entry "viewed Concern 8BF4A543" filtered by a child's name says as much
as the concern itself. So, for a reader without the team's casework permission, every entry about
a safeguarding object is dropped (concerns and everything hanging off them, requests for advice,
information shares, the child's chronology and the P2 "we have shared information" notice), except
entries about a concern about an adult routed to that reader. Whoever reads it, a concern about an
adult shows only to the people it was routed to, and never to the adult it names.

An entry is recognised as safeguarding work by what it is, never by the address it came from:
its object is one of this app's casework models (its content type), or the look was recorded as
part of this app's work (``area``: a child opened for their chronology, a look at a list of
concerns; see ``confidentiality.audit.record_access``).
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from confidentiality import access
from confidentiality.views.audit_trail import without

from .policy import ADULT_CASEWORK, CASEWORK

# The ``area`` of the access entries written as part of safeguarding work.
AREA = "safeguarding"
# Entries written before entries carried their area name no area; the trail is append-only and
# sealed, so they can never be marked afterwards. Those are recognised, as they always were, by
# the safeguarding address they were written from (``/safeguarding/``, the app's mount point).
LEGACY_PATH_PREFIX = "/safeguarding/"

# Records kept in the safeguarding app that are about adults' own training, not about children
# or concerns: whoever reads the trail may see them (P9: the head teacher follows training).
NOT_CASEWORK = frozenset({"trainingrecord", "policyreading", "trainingreminder"})


def _casework_models() -> list:
    return [
        model
        for model in apps.get_app_config("safeguarding").get_models()
        if model._meta.model_name not in NOT_CASEWORK
    ]


def _entries_about_concerns(concern_pks) -> Q:
    """The trail entries of these concerns and of every audited object that belongs to one."""
    from .models import Concern

    if not concern_pks:
        return Q(pk__in=[])
    parts = {Concern: list(concern_pks)}
    for model in _casework_models():
        field = next(
            (
                f
                for f in model._meta.get_fields()
                if f.name == "concern" and getattr(f, "related_model", None) is Concern
            ),
            None,
        )
        if field is None or not auditlog.contains(model):
            continue
        parts[model] = list(
            model.objects.filter(concern__in=concern_pks).values_list("pk", flat=True)
        )
    condition = Q(pk__in=[])
    for model, pks in parts.items():
        if pks:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_pk__in=[str(pk) for pk in pks],
            )
    return condition


def _safeguarding_entries() -> Q:
    """Every entry that would tell a reader that safeguarding work touched someone."""
    from records.models import FamilyNotice

    types = [ContentType.objects.get_for_model(model) for model in _casework_models()]
    p2_notices = [
        str(pk) for pk in FamilyNotice.objects.information_shared().values_list("pk", flat=True)
    ]
    condition = Q(content_type__in=types) | Q(additional_data__area=AREA)
    condition |= Q(additional_data__path__startswith=LEGACY_PATH_PREFIX)  # entries before areas
    if p2_notices:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(FamilyNotice),
            object_pk__in=p2_notices,
        )
    return condition


def hide_safeguarding_from_trail(entries, user):
    """The audit trail's filter (``extensions.audit_trail_filter``): drop what this reader may
    not know of."""
    from .models import Concern

    adults = Concern.objects.about_adults()
    routed = set(
        access.visible(user, adults.not_about(user), ADULT_CASEWORK).values_list("pk", flat=True)
    )
    if CASEWORK in access.role_permissions(user):
        # The team: everything about children; a concern about an adult only if routed to them.
        hidden = [pk for pk in adults.values_list("pk", flat=True) if pk not in routed]
        return without(entries, _entries_about_concerns(hidden)) if hidden else entries
    # Everyone else (the head teacher): nothing of safeguarding, bar the adult concerns they
    # handle.
    return without(entries, _safeguarding_entries() & ~_entries_about_concerns(routed))
