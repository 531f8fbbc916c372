"""Opening a request: through the door, for the safeguarding team only, with a confirmed second
factor, and one access entry for each look or step (``how`` says which, in the audit trail's
words, ``subject_access.audit_words``)."""

from django.http import Http404

from confidentiality import access

from .. import policy
from ..case_file import items_of
from ..models import SubjectAccessRequest


def open_request(request, pk, how="view") -> SubjectAccessRequest:
    return access.open_object(
        request,
        SubjectAccessRequest.objects.select_related("student", "handled_by", "extended_by"),
        policy.HANDLE,
        how=how,
        second_factor=True,
        pk=pk,
    )


def item_of(request_obj, number: int):
    """Item ``number`` of the case file (from 1), or a 404 like any other address that is not
    there."""
    items = items_of(request_obj)
    if not 1 <= number <= len(items):
        raise Http404
    return items[number - 1]


def requires_team(view):
    return access.requires(policy.may_handle_requests, second_factor=True)(view)
