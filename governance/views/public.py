"""The published public minutes, for anyone (as schools publish them on their website, P17).

These pages are public (``access.public``): they show only what ``publication`` gives them, the
approved public minutes of meetings whose minutes were published, and the attendance. Nothing
confidential is read here: no confidential minute, confidential paper or head teacher's report.
"""

from io import BytesIO

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render

from confidentiality import access

from .. import minutes_pdf
from ..publication import (
    SEARCH_MAX_CHARACTERS,
    published_meetings,
    published_minutes,
    search_published_minutes,
)


@access.public
def published_minutes_page(request):
    """Every meeting's published minutes; with a search, the items of them that hold the words
    (only published public minutes are searched: ``publication.search_published_minutes``)."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_CHARACTERS]
    context = {"query": query, "max_length": SEARCH_MAX_CHARACTERS}
    if query:
        context["results"] = search_published_minutes(query)
    else:
        context["published"] = [published_minutes(meeting) for meeting in published_meetings()]
    return render(request, "governance/published_minutes.html", context)


@access.public
def published_minutes_pdf(request, slug):
    meeting = get_object_or_404(published_meetings(), slug=slug)
    pdf = minutes_pdf.render(published_minutes(meeting))
    return FileResponse(
        BytesIO(pdf),
        content_type="application/pdf",
        filename=f"governing-body-minutes-{meeting.slug}.pdf",
    )
