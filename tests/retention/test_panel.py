"""The dashboard's retention panel (P4): the head teacher and the DSL with their second factor,
nobody else; its numbers are the report's; with nothing due, no hold and no deletion it says so,
and nothing else."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from retention import summary
from retention.models import LegalHold
from retention.schedule import apply
from tests.conftest import sign_in

TITLE = "Retention of records"


def _panel(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return next((p for p in response.context["panels"] if p["title"] == TITLE), None)


@pytest.fixture
def due(old_pupil, young_pupil, teacher, concern_about):
    """Rowan's file and record are past their period; Ivy's are not."""
    concern_about(teacher, old_pupil)
    concern_about(teacher, young_pupil)
    return old_pupil


@pytest.mark.parametrize("who", ["head", "dsl"])
def test_the_head_and_the_dsl_see_the_panel(client, request, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    assert _panel(client) is not None


@pytest.mark.parametrize("who", ["deputy", "teacher", "office", "governor", "parent", "nurse"])
def test_nobody_else_sees_it(client, request, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    assert _panel(client) is None


def test_without_a_confirmed_second_factor_the_panel_is_left_out(client, head):
    sign_in(client, head, verified=False)
    response = client.get(reverse("dashboard"))
    assert TITLE not in response.content.decode()


def test_with_nothing_due_it_says_so_and_nothing_else(client, dsl):
    sign_in(client, dsl, verified=True)
    labels = [item["label"] for item in _panel(client)["items"]]
    assert labels == [
        "No record is due for deletion or review",
        "No legal hold is in force",
        "No record has been deleted under the schedule yet",
    ]


def test_its_numbers_are_the_reports(client, dsl, due):
    LegalHold.objects.create(scope="safeguarding", reason="An inquiry", placed_by=dsl)
    sign_in(client, dsl, verified=True)
    report = client.get(reverse("retention:report")).context
    panel = _panel(client)
    due_item, holds_item, run_item = panel["items"]
    # The child-protection file (held) and the pupil record waiting for it: both kept.
    assert report["total"] == 2 and report["holds"] == 1
    assert due_item["label"] == (
        "2 records past the retention period: 0 to delete at the next run, 0 to review, 2 kept"
    )
    assert due_item["url"] == reverse("retention:report")
    assert holds_item == {"label": "1 legal hold in force", "url": reverse("retention:holds")}
    assert run_item["label"] == "No record has been deleted under the schedule yet"


def test_after_a_run_it_gives_the_date_and_what_is_left(client, dsl, due):
    sign_in(client, dsl, verified=True)
    # The pupil record is kept until the child-protection file found through it is gone: the
    # same run deletes both.
    assert _panel(client)["items"][0]["label"] == (
        "2 records past the retention period: 1 to delete at the next run, 0 to review, 1 kept"
    )
    apply(by=dsl, description="a test run")
    due_item, _, run_item = _panel(client)["items"]
    assert due_item["label"] == "No record is due for deletion or review"
    assert run_item["label"].startswith("Records last deleted on ")
    assert run_item["url"] == reverse("retention:certificates")


# --- the numbers are worked out once and kept (issue 15): the panel says when ----------------


def test_it_says_when_its_numbers_were_worked_out(client, dsl):
    sign_in(client, dsl, verified=True)
    before = timezone.localtime()
    body = _panel(client)["body"]
    after = timezone.localtime()
    assert any(f"Worked out at {moment:%H:%M} today." in body for moment in (before, after))


def test_kept_numbers_are_shown_with_their_time_until_they_are_worked_out_again(
    client, dsl, old_pupil, teacher, concern_about
):
    sign_in(client, dsl, verified=True)
    assert _panel(client)["items"][0]["label"] == "1 record past the retention period: " + (
        "1 to delete at the next run, 0 to review"
    )
    concern_about(teacher, old_pupil)  # a file now due, found only when worked out again
    kept = _panel(client)
    assert kept["items"][0]["label"].startswith("1 record past")
    assert "Worked out at" in kept["body"]
    assert summary.FRESH_FOR < timedelta(hours=1) < summary.KEPT_FOR
    cache.clear()  # what the cache does at the end of the time the numbers are kept for
    assert _panel(client)["items"][0]["label"].startswith("2 records past")


def test_the_periodic_check_works_the_numbers_out_again_before_a_visitor_must(
    client, dsl, old_pupil, teacher, concern_about, monkeypatch
):
    from django.core.management import call_command

    from confidentiality import extensions

    assert summary.keep_fresh in extensions.periodic_steps
    call_command("escalate_concerns")  # nothing kept yet: worked out by the check, not a visit
    sign_in(client, dsl, verified=True)
    with CaptureQueriesContext(connection) as visit:
        assert _panel(client)["items"][0]["label"].startswith("1 record past")
    assert not [q for q in visit if "retention" in q["sql"] and "student" in q["sql"].lower()]

    concern_about(teacher, old_pupil)  # a file now due
    assert summary.keep_fresh() is False  # young numbers are kept
    later = timezone.now() + summary.FRESH_FOR + timedelta(minutes=1)
    monkeypatch.setattr(summary.timezone, "now", lambda: later)
    call_command("escalate_concerns")
    monkeypatch.undo()
    assert _panel(client)["items"][0]["label"].startswith("2 records past")


def test_a_failing_periodic_step_never_stops_the_safeguarding_checks(db, monkeypatch, caplog):
    from django.core.management import call_command

    from confidentiality import extensions, pipeline_health

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(extensions, "periodic_steps", [broken, *extensions.periodic_steps])
    recorded = []
    monkeypatch.setattr(pipeline_health, "record_periodic_check", lambda: recorded.append(1))
    call_command("escalate_concerns")
    assert recorded == [1]
    assert "Periodic step" in caplog.text and "RuntimeError" in caplog.text


def test_a_decision_of_the_school_is_seen_at_once(client, dsl, due):
    sign_in(client, dsl, verified=True)
    assert _panel(client)["items"][1]["label"] == "No legal hold is in force"
    LegalHold.objects.create(scope="safeguarding", reason="An inquiry", placed_by=dsl)
    due_item, holds_item, _ = _panel(client)["items"]
    assert holds_item["label"] == "1 legal hold in force"
    assert due_item["label"].endswith("2 kept")


def test_the_dashboard_works_it_out_once(client, dsl, due):
    sign_in(client, dsl, verified=True)
    _panel(client)
    with CaptureQueriesContext(connection) as asked:
        _panel(client)
    assert not any("safeguarding_concernsubject" in q["sql"] for q in asked.captured_queries)
