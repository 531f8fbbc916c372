""" "My concerns": the author follows what they logged — its status, never the DSL's work.

The children shown are those the author named (``Concern.children_named_by_author``): a child
the safeguarding team linked later is the team's work, and would tell the author whom the team
connected to what they reported (P3).

The reporter's own pages never wait on a second factor at the door (P3); the concerns are still
opened through ``access``, which asks one of the roles that always need it."""

from django.shortcuts import render

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import body_map, school_time
from ..models import Concern
from ..policy import SUMMARY, may_log_concern
from ..trail import AREA


@access.requires(may_log_concern, second_factor=False)
def my_concerns(request):
    concerns = access.visible(request, Concern.objects.raised_by(request.user), SUMMARY)
    record_list_look(request, "my concerns", area=AREA)
    return render(
        request,
        "safeguarding/my_concerns.html",
        {"concerns": concerns.with_children()},
    )


# Whoever logged it, even after their role has changed: their own grant on it decides.
@access.requires(access.signed_in, second_factor=False)
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
            # Raised out of school hours and not yet acknowledged: when the team will see it.
            "when_seen": ""
            if concern.acknowledged_at
            else school_time.when_the_team_will_see(concern.created_at, concern.is_urgent),
        },
    )
