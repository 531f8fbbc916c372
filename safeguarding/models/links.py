"""The people safeguarding records are about can be deleted only once nothing names them.

The links are blind references, not foreign keys, so the database cannot refuse the deletion by
itself as it did (PROTECT): these receivers do, with the same error.
"""

import logging

from django.conf import settings
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from records.models import Student

from .adults import ConcernAboutAdult
from .advice import AdviceRequest
from .concerns import ConcernSubject
from .sharing import InformationShare

log = logging.getLogger(__name__)


@receiver(pre_delete, sender=Student, dispatch_uid="safeguarding_keeps_children_named")
def _keep_children_named(sender, instance, **kwargs):
    named = (
        ConcernSubject.objects.filter(student_ref=ConcernSubject.ref_for(instance)).exists()
        or InformationShare.objects.filter(**InformationShare.student.lookup(instance)).exists()
        or AdviceRequest.objects.filter(**AdviceRequest.student.lookup(instance)).exists()
    )
    if named:
        raise ProtectedError("This child is named in safeguarding records.", set())


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="safeguarding_keeps_adults")
def _keep_adults_named(sender, instance, **kwargs):
    if ConcernAboutAdult.objects.filter(**ConcernAboutAdult.person.lookup(instance)).exists():
        raise ProtectedError("This person is named in a concern about an adult.", set())


def rebuild_references() -> dict:
    """Compute every blind reference again from the sealed keys (after ``BLIND_INDEX_KEY`` was
    changed, e.g. because it may have leaked). Needs the field-encryption keys; returns how many
    references of each kind were rewritten, and under ``"skipped"`` how many rows were left as
    they were because their sealed key or list of children cannot be opened on this server.

    A value that cannot be opened is never taken for "nobody": blanking its reference or
    deleting its children's index would lose the concern from the child's chronology and
    ``Concern.objects.about`` for good. Such rows keep their old references (still found with
    the old key) until the missing key is back and the rebuild is run again.

    The audit log's blind subject keys cannot be rewritten (the log refuses changes): entries
    written under the old key are no longer found by a filter on the person, though they stay
    in the trail."""
    from django.db import transaction

    from .concerns import Concern

    counts = {"children": 0, "adults": 0, "shares": 0, "advice": 0, "skipped": 0}
    with transaction.atomic():
        for concern in Concern.objects.about_children().iterator():
            if concern.children_unreadable():
                log.error("Blind references: concern %s skipped (children not opened)", concern.pk)
                counts["skipped"] += 1
                continue
            before = set(concern.subjects.values_list("student_ref", flat=True))
            concern._index_children()
            names_no_child = not concern.student_pks()
            if concern.names_no_child != names_no_child:
                Concern.objects.filter(pk=concern.pk).update(names_no_child=names_no_child)
            if set(concern.subjects.values_list("student_ref", flat=True)) != before:
                counts["children"] += 1
        for name, model, link in (
            ("adults", ConcernAboutAdult, ConcernAboutAdult.person),
            ("shares", InformationShare, InformationShare.student),
            ("advice", AdviceRequest, AdviceRequest.student),
        ):
            for row in model.objects.iterator():
                if getattr(getattr(row, link.key_name), "unreadable", False):
                    log.error("Blind references: %s %s skipped (key not opened)", name, row.pk)
                    counts["skipped"] += 1
                    continue
                linked = link.stand_in(row)
                ref = link.ref(linked) if linked is not None else ""
                if getattr(row, link.ref_name) != ref:
                    model.objects.filter(pk=row.pk).update(**{link.ref_name: ref})
                    counts[name] += 1
    return counts
