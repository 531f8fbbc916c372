""" "My concerns": the author follows what they logged — its status, never the DSL's work.

The children shown are those the author named (``Concern.children_named_by_author``): a child
the safeguarding team linked later is the team's work, and would tell the author whom the team
connected to what they reported (P3)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import body_map
from ..models import Concern
from ..policy import SUMMARY, may_log_concern


@login_required
def my_concerns(request):
    if not may_log_concern(request.user):
        raise Http404
    concerns = access.visible(request, Concern.objects.raised_by(request.user), SUMMARY)
    record_list_look(request, "my concerns")
    return render(
        request,
        "safeguarding/my_concerns.html",
        {"concerns": concerns.with_children()},
    )


@login_required
def my_concern(request, pk):
    concern = access.open_object(
        request,
        Concern.objects.raised_by(request.user),
        SUMMARY,
        pk=pk,
    )
    return render(
        request,
        "safeguarding/my_concern.html",
        {
            "concern": concern,
            "children": concern.children_named_by_author,
            "marks": body_map.describe(concern.body_map or []),
            "attachment_count": concern.attachments.count(),
        },
    )
