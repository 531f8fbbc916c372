"""The retention pages (P4): the head teacher and the DSL, with a verified second factor, and
nobody else (a 404); every look audited; the form pattern on the rule and the hold; names in
the report only to those entitled, counts for the other."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from confidentiality.audit import subject_key
from confidentiality.audit.chain import verify_chain
from retention import registry
from retention.models import LegalHold, RetentionReview, RetentionRule
from retention.registry import years_after
from retention.schedule import Schedule, apply
from tests.conftest import sign_in

PAGES = [
    reverse("retention:report"),
    reverse("retention:rules"),
    reverse("retention:edit_rule", kwargs={"kind": "pupil_work"}),
    reverse("retention:holds"),
    reverse("retention:place_hold"),
    reverse("retention:certificates"),
]


@pytest.mark.parametrize("who", ["head", "dsl"])
@pytest.mark.parametrize("url", PAGES)
def test_the_head_and_the_dsl_open_every_page(client, request, who, url):
    sign_in(client, request.getfixturevalue(who), verified=True)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    assert client.get(url).status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


@pytest.mark.parametrize("who", ["deputy", "teacher", "office", "governor", "parent", "nurse"])
@pytest.mark.parametrize("url", PAGES)
def test_nobody_else_finds_any_page(client, request, who, url):
    sign_in(client, request.getfixturevalue(who), verified=True)
    assert client.get(url).status_code == 404


def test_a_superuser_without_the_role_finds_nothing(client, make_user):
    admin = make_user("itadmin", is_superuser=True, is_staff=True)
    sign_in(client, admin, verified=True)
    assert client.get(reverse("retention:report")).status_code == 404


def test_the_pages_wait_for_the_second_factor(client, head):
    sign_in(client, head)
    response = client.get(reverse("retention:report"))
    assert response.status_code == 302 and "verify" in response.url


def test_lifting_a_hold_is_for_the_head_and_dsl_only(client, dsl, teacher):
    hold = LegalHold.objects.create(scope="everything", reason="A claim", placed_by=dsl)
    url = reverse("retention:lift_hold", kwargs={"pk": hold.pk})
    sign_in(client, teacher, verified=True)
    assert client.post(url).status_code == 404
    client.logout()
    sign_in(client, dsl, verified=True)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == dsl and hold.lifted_at is not None
    # A lifted hold cannot be lifted again.
    assert client.post(url).status_code == 404


def test_changing_a_rule(client, head):
    sign_in(client, head, verified=True)
    url = reverse("retention:edit_rule", kwargs={"kind": "pupil_work"})
    response = client.post(url, {"years": "2", "action": "review"})
    assert response.status_code == 302
    rule = RetentionRule.objects.get(kind="pupil_work")
    assert (rule.years, rule.action, rule.changed_by) == (2, "review", head)
    assert LogEntry.objects.get_for_object(rule).filter(action=LogEntry.Action.CREATE).exists()
    page = client.get(reverse("retention:rules")).content.decode()
    assert "Changed by the school" in page


def test_a_bad_rule_is_refused_with_a_clear_message_and_nothing_lost(client, dsl):
    sign_in(client, dsl, verified=True)
    url = reverse("retention:edit_rule", kwargs={"kind": "talk_request"})
    response = client.post(url, {"years": "two", "action": "delete"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the number of years as a whole number" in page
    assert 'value="two"' in page
    assert "error-summary" in page
    assert not RetentionRule.objects.exists()


def test_a_kind_a_run_cannot_delete_offers_no_deletion(client, head):
    sign_in(client, head, verified=True)
    url = reverse("retention:edit_rule", kwargs={"kind": "concern_about_adult"})
    assert 'value="delete"' not in client.get(url).content.decode()
    response = client.post(url, {"years": "10", "action": "delete"})
    assert response.status_code == 400
    assert not RetentionRule.objects.exists()


def test_fixed_and_unknown_kinds_have_no_rule_page(client, head):
    sign_in(client, head, verified=True)
    for kind in ("audit_trail", "governing_body_minutes", "no_such_kind"):
        url = reverse("retention:edit_rule", kwargs={"kind": kind})
        assert client.get(url).status_code == 404


def test_placing_a_hold_on_a_child(client, dsl, old_pupil):
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("retention:place_hold"),
        {"scope": "child", "child": str(old_pupil.pk), "reason": "Claim by the family's solicitor"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.child == old_pupil and hold.placed_by == dsl
    # Neither the child nor the reason is readable in the table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT child_ref, child_key, reason FROM retention_legalhold")
        row = " ".join(map(str, cursor.fetchone()))
    assert str(old_pupil.pk) not in row and "solicitor" not in row
    page = client.get(reverse("retention:holds")).content.decode()
    assert "Every record about Rowan Ashby" in page and "solicitor" in page


def test_a_hold_needs_what_it_covers_and_a_reason(client, head):
    sign_in(client, head, verified=True)
    response = client.post(reverse("retention:place_hold"), {"scope": "kind", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the kind of record the hold covers." in page
    assert "Say why the hold is placed" in page
    response = client.post(
        reverse("retention:place_hold"), {"scope": "child", "reason": "An inquiry"}
    )
    assert "Choose the child whose records the hold covers." in response.content.decode()
    assert "An inquiry" in response.content.decode()
    assert not LegalHold.objects.exists()


@pytest.fixture
def due(old_pupil, teacher, concern_about):
    concern_about(teacher, old_pupil)
    return old_pupil


def test_the_dsl_sees_the_child_protection_files_by_name(client, dsl, due):
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert "Child-protection file of Rowan Ashby" in page


def test_the_head_sees_only_a_count_of_the_child_protection_files(client, head, due):
    sign_in(client, head, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert "Child-protection file of" not in page
    assert "1 record due" in page
    assert "Rowan Ashby" in page  # the pupil record, which the head may see


def test_the_report_shows_held_records_as_held(client, dsl, due):
    hold = LegalHold.objects.create(scope="safeguarding", reason="IICSA", placed_by=dsl)
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert f"Legal hold {hold.reference}" in page
    assert "The child-protection file is still kept." in page


def test_the_report_reads_the_same_number_of_times_whatever_is_due(
    client, dsl, teacher, student_factory, concern_about
):
    from datetime import date

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("retention:report")).status_code == 200
        return len(captured)

    sign_in(client, dsl, verified=True)
    old = student_factory(date_of_birth=date(1990, 1, 1))
    concern_about(teacher, old)
    one = queries()
    for _ in range(4):
        concern_about(teacher, student_factory(date_of_birth=date(1991, 1, 1)))
    assert queries() == one


@pytest.fixture
def left_long_ago(make_user):
    """An account of a teacher who left: last signed in years ago, no longer active."""
    from datetime import datetime

    leaver = make_user("leaver", is_active=False)
    leaver.last_login = timezone.make_aware(datetime(2019, 7, 19, 15, 0))
    leaver.save(update_fields=["last_login"])
    return leaver


def _review_url(kind, obj):
    reference = subject_key(obj, blind=True).rpartition("#")[2]
    return reverse("retention:review", kwargs={"kind": kind, "reference": reference})


def test_a_review_keeps_the_record_until_a_later_date(client, head, left_long_ago):
    sign_in(client, head, verified=True)
    report = client.get(reverse("retention:report")).content.decode()
    url = _review_url("account_of_leaver", left_long_ago)
    assert url in report
    assert client.get(url).status_code == 200

    response = client.post(url, {"years": "", "reason": "Tribunal claim pending"})
    assert response.status_code == 400
    assert "Enter how many more years the record is kept" in response.content.decode()
    assert "Tribunal claim pending" in response.content.decode()

    assert client.post(url, {"years": "2", "reason": "Tribunal claim pending"}).status_code == 302
    review = RetentionReview.objects.get()
    assert review.decided_by == head and review.reference == subject_key(left_long_ago, True)
    assert review.keep_until == years_after(timezone.localdate(), 2)
    assert url not in client.get(reverse("retention:report")).content.decode()
    assert client.get(url).status_code == 404  # no longer due
    later = years_after(timezone.localdate(), 3)
    due = Schedule(later).due_of(registry.kinds["account_of_leaver"])
    assert [r.found.obj for r in due] == [left_long_ago]


def test_only_a_record_due_for_review_and_seen_by_name_can_be_reviewed(
    client, head, dsl, teacher, left_long_ago, due
):
    sign_in(client, teacher, verified=True)
    assert client.get(_review_url("account_of_leaver", left_long_ago)).status_code == 404
    client.logout()
    sign_in(client, head, verified=True)
    # A record due for deletion, not review; and the child-protection file the head sees only
    # as a count.
    assert client.get(_review_url("pupil_record", due)).status_code == 404
    assert client.get(_review_url("child_protection_file", due)).status_code == 404
    assert client.get(_review_url("no_such_kind", due)).status_code == 404


@pytest.fixture
def old_performance_file(head, teacher):
    from datetime import date

    from performance.models import PerformanceFile, ReviewCycle

    cycle = ReviewCycle.usual_for(date(2015, 10, 1)).ensure_saved()
    return PerformanceFile.objects.create(subject=teacher, cycle=cycle, opened_by=head)


def test_only_the_head_sees_whose_performance_files_are_due(
    client, head, dsl, old_performance_file
):
    sign_in(client, head, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert f"Performance file of {old_performance_file.subject.get_full_name()}" in page
    client.logout()
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert "Performance file of" not in page
    assert "1 record due" in page


def test_an_expired_performance_file_is_deleted_with_everything_in_it(old_performance_file):
    from performance.models import PerformanceFile

    result = apply(description="a test run")
    assert [c.kind for c in result.deleted] == ["performance_file"]
    assert not PerformanceFile.objects.exists()
    assert verify_chain()[1] is None
