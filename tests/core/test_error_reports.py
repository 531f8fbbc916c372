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


def test_the_admin_refuses_a_second_dsl_with_a_message(client, dsl, make_user):
    from confidentiality.admin import SchoolUserChangeForm
    from confidentiality.roles import Role, group_for

    rival = make_user("rival", Role.TEACHER)
    form = SchoolUserChangeForm(
        instance=rival,
        data={
            "username": "rival",
            "groups": [group_for(Role.DSL).pk],
            "date_joined": "2026-01-01 09:00",
            "is_active": True,
        },
    )
    assert not form.is_valid()
    assert "already the DSL" in str(form.errors["groups"])
