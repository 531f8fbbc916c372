"""No plaintext reaches error pages or error reports, even in development."""

from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from confidentiality.error_reports import HIDDEN


def _report_for(request):
    def failing_view(note="Child disclosed abuse at home"):
        raise ValueError("boom")

    try:
        failing_view()
    except ValueError as exc:
        return ExceptionReporter(request, type(exc), exc, exc.__traceback__).get_traceback_text()


def test_post_data_and_local_variables_are_hidden():
    request = RequestFactory().post("/safeguarding/", {"words": "He said his dad hits him"})
    report = _report_for(request)
    assert "He said his dad hits him" not in report
    assert "Child disclosed abuse at home" not in report
    assert HIDDEN in report


def test_the_admin_change_form_offers_no_roles(dsl):
    """Roles are changed on the application's audited pages only, never in the admin."""
    from confidentiality.admin import SchoolUserAdmin

    shown = {name for _, options in SchoolUserAdmin.fieldsets for name in options["fields"]}
    assert not shown & {"groups", "user_permissions", "is_superuser"}
