"""What the audit trail may show of performance files (P18).

The trail is read by the safeguarding team and the head teacher. A performance file is
confidential to the head and the member of staff it is about: even "the head viewed the
performance file of Tom Bennett" is not for the DSL. So every entry about a performance object,
and every look recorded as performance work (``area``), is dropped for any reader who is not the
head teacher.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from confidentiality.audit.reading import without
from confidentiality.roles import Role

AREA = "performance"


def performance_entries() -> Q:
    models = apps.get_app_config("performance").get_models()
    types = [ContentType.objects.get_for_model(model) for model in models]
    return Q(content_type__in=types) | Q(additional_data__area=AREA)


def hide_performance_from_trail(entries, user):
    """The audit trail's filter (``extensions.audit_trail_filter``)."""
    if user.has_role(Role.HEAD_TEACHER):
        return entries
    return without(entries, performance_entries())
