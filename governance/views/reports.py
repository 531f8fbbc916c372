"""The head teacher's termly report to governors (P17).

The head drafts it (items, each public or confidential) and sends it for a meeting; governors
and the clerk read it once sent (``HeadReport.relational_permissions``). On the report page they
read its public items and the safeguarding statistics; its confidential items are read only with
the confidential minutes of the meeting it went to (``views.minutes``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_access
from safeguarding import statistics

from ..forms.reports import HeadReportForm, HeadReportItemForm
from ..models import HeadReport, HeadReportItem
from ..policy import VIEW_REPORT, WRITE_REPORT, is_head_teacher, may_read_governance


def _statistics_for(report) -> dict | None:
    """The safeguarding statistics for the report's term. They count completed terms only,
    children only and referrals made only (``statistics.for_governors``), so a draft may work
    them out on each look: nothing in them moves while the head teacher watches."""
    if not report.include_statistics:
        return None
    term = statistics.term_named(report.term, report.school_year)
    return statistics.for_governors(term)


@access.requires(may_read_governance)
def report_list(request):
    reports = access.visible(request, HeadReport.objects.all(), VIEW_REPORT)
    return render(
        request,
        "governance/report_list.html",
        {
            "reports": reports.select_related("meeting"),
            "may_write": is_head_teacher(request.user),
        },
    )


@access.requires(is_head_teacher)
def add_report(request):
    form = HeadReportForm(request.POST or None, today=timezone.localdate())
    if form.is_valid():
        report = HeadReport(written_by=request.user, **form.cleaned_data)
        report.save()
        messages.success(request, f"{report} started. Add its items.")
        return redirect("governance:report", pk=report.pk)
    return render(
        request,
        "governance/report_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@access.requires(may_read_governance)
def report_detail(request, pk):
    report = access.open_object(request, HeadReport.objects.all(), VIEW_REPORT, pk=pk)
    may_write = access.has_permission(request.user, WRITE_REPORT, report)
    # Governors and the clerk read the public items here; the confidential ones only with the
    # confidential minutes of the meeting the report goes to.
    items = report.items.all() if may_write else report.public_items()
    # A sent report shows the statistics as governors were given them (taken when it was sent);
    # a draft, as they would be sent today.
    figures = (report.statistics or None) if report.is_sent else _statistics_for(report)
    form = HeadReportItemForm() if may_write and not report.is_sent else None
    return render(
        request,
        "governance/report_detail.html",
        {
            "report": report,
            "items": items,
            "statistics": figures,
            "may_write": may_write,
            "form": form,
            "hidden_count": 0 if may_write else report.confidential_items().count(),
        },
    )


@access.requires(is_head_teacher)
def add_report_item(request, pk):
    report = access.open_object(request, HeadReport.objects.all(), WRITE_REPORT, how="edit", pk=pk)
    form = HeadReportItemForm(request.POST or None)
    refusal = (
        "This report has been sent to governors and is no longer changed."
        if (report.is_sent)
        else None
    )
    if form.is_valid() and refusal is None:
        number = report.items.order_by("-number").values_list("number", flat=True).first() or 0
        HeadReportItem(report=report, number=number + 1, **form.cleaned_data).save()
        messages.success(request, f"Item {number + 1} added.")
        return redirect("governance:report", pk=report.pk)
    return render(
        request,
        "governance/report_item_form.html",
        {"report": report, "form": form, "refusal": refusal},
        status=400 if form.is_bound else 200,
    )


@access.requires(is_head_teacher)
@require_POST
def send_report(request, pk):
    """Send the report to governors for its meeting; the statistics are taken now."""
    report = access.open_object(request, HeadReport.objects.all(), WRITE_REPORT, how="edit", pk=pk)
    try:
        report.send(_statistics_for(report))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        record_access(request, report, how="report sent")
        messages.success(request, "The report is sent to governors.")
    return redirect("governance:report", pk=report.pk)
