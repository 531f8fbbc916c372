"""The pages of performance files: one's own files, the holder's overview of the cycle, and
one file."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.page_lists import as_prefetched, read_together

from .. import policy
from ..forms.files import CycleDatesForm, OverviewFilterForm
from ..models import PerformanceFile, ReviewCycle
from ..models import ProgressNote as ObjectiveNote
from ..progress import cycle_progress
from ..trail import AREA
from ..waiting import waiting_for
from .door import form_page, open_file, performance_page


def file_url(file) -> str:
    return reverse("performance:file", kwargs={"pk": file.pk})


@performance_page
def home(request):
    """What is waiting for the person (observations to write, files delegated to them, reviews
    to sign off) and their own files; the holders find everyone's in the overview."""
    user = request.user
    files = PerformanceFile.objects.select_related("cycle", "subject")
    context = {
        "waiting": waiting_for(request),
        "mine": access.visible(request, files.filter(subject=user), policy.READ),
        "holds_files": policy.may_see_overview(user),
    }
    record_list_look(request, "performance files", area=AREA)
    return render(request, "performance/home.html", context)


@access.requires(policy.may_see_overview, second_factor=access.IF_SET_UP)
def overview(request):
    """Each member of staff the reader holds the file of: the steps of the cycle done and the
    ones overdue (the cycle's own dates). The totals cover everyone; the table is narrowed by
    name or by what is outstanding, and shown a page at a time (a large school's staff is
    hundreds of rows, each with its own link or button)."""
    today = timezone.localdate()
    cycle = ReviewCycle.objects.current(today)
    everyone = cycle_progress(request, cycle, today)
    filters = OverviewFilterForm(request.GET or None)
    page = Paginator(filters.keeps(everyone), STAFF_PER_PAGE).get_page(request.GET.get("page"))
    record_list_look(request, "performance overview", area=AREA)
    return render(
        request,
        "performance/overview.html",
        {
            "cycle": cycle,
            "rows": page.object_list,
            "page": page,
            "everyone": len(everyone),
            "filters": filters,
            "query": urlencode(
                {name: request.GET[name] for name in ("q", "show") if request.GET.get(name)}
            ),
            "overdue": sum(len(row.overdue) for row in everyone),
            "today": today,
            "may_set_dates": policy.may_set_cycle_dates(request.user),
        },
    )


# Fifty rows to a page, as the other long lists of the site.
STAFF_PER_PAGE = 50


@access.requires(policy.may_set_cycle_dates, second_factor=access.IF_SET_UP)
def cycle_dates(request):
    """The head teacher changes when this cycle's steps are due; the overview and the
    dashboard count overdue steps from these dates."""
    cycle = ReviewCycle.objects.current()
    form = CycleDatesForm(
        request.POST or None,
        cycle=cycle,
        initial={
            "objectives_due": cycle.objectives_due,
            "mid_year_due": cycle.mid_year_due,
            "final_due": cycle.final_due,
        },
    )
    if form.is_valid():
        cycle = cycle.ensure_saved()
        for name, value in form.cleaned_data.items():
            setattr(cycle, name, value)
        cycle.save()
        messages.success(request, f"The dates of the {cycle} cycle are saved.")
        return redirect(reverse("performance:overview"))
    return form_page(
        request,
        form,
        title=f"Dates of the {cycle} review cycle",
        intro=f"The cycle runs from {cycle.starts_on:%-d %B %Y} to {cycle.ends_on:%-d %B %Y}.",
        submit="Save the dates",
        back=reverse("performance:overview"),
        back_label="Back to the overview",
    )


@access.requires(policy.may_see_overview, second_factor=access.IF_SET_UP)
@require_POST
def open_new_file(request, pk):
    """The holder opens a member of staff's file for the current cycle (once)."""
    subject = get_object_or_404(policy.held_staff(request.user), pk=pk)
    cycle = ReviewCycle.objects.current().ensure_saved()
    file, created = PerformanceFile.objects.get_or_create(
        subject=subject, cycle=cycle, defaults={"opened_by": request.user}
    )
    if created:
        messages.success(request, f"Performance file for {cycle} opened.")
    return redirect(file_url(file))


@performance_page
def file_page(request, pk):
    file = open_file(request, pk, policy.READ)
    perms = access.object_permissions(request.user, file)
    delegations = file.delegations.running_on(timezone.localdate()).select_related("reviewer")
    if not delegations.ordered:  # the first, as ``current_delegation`` takes it
        delegations = delegations.order_by("pk")
    # The file's lists in one round trip (``read_together``) rather than one query each: the
    # observations still through the door (``visible``), the progress notes those of this file's
    # objectives, put on each objective below as a prefetch would.
    lists = read_together(
        objectives=file.objectives.all(),
        progress_notes=ObjectiveNote.objects.filter(objective__file=file).select_related(
            "written_by"
        ),
        reviews=file.reviews.select_related("recorded_by"),
        observations=access.visible(
            request, file.observations.select_related("observer"), policy.OBSERVATION_READ
        ),
        data_entries=file.data_entries.select_related("added_by"),
        delegations=delegations,
    )
    notes_of = {}
    for note in lists["progress_notes"]:
        notes_of.setdefault(note.objective_id, []).append(note)
    for objective in lists["objectives"]:
        as_prefetched(objective, "progress_notes", notes_of.get(objective.pk, []))
    return render(
        request,
        "performance/file.html",
        {
            "file": file,
            "objectives": lists["objectives"],
            "reviews": lists["reviews"],
            "observations": lists["observations"],
            "data_entries": lists["data_entries"],
            "delegation": next(iter(lists["delegations"]), None),
            # The file was opened with whether its subject is the head teacher (``open_file``).
            "holder_is_chair": file.subject_is_head,
            "is_subject": file.subject_id == request.user.pk,
            "may_review": policy.REVIEW in perms,
            "may_manage": policy.MANAGE in perms,
            "may_comment": policy.COMMENT in perms,
            "may_read_pay": policy.PAY in perms,
        },
    )
