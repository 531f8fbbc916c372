"""The holder delegates a file to a reviewer for the cycle or until a date (P18): the member of
staff sees who reviews their file, the change is in the audit trail, and the reviewer's access
ends by itself after the last day, or when the holder ends it early."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from performance import policy
from performance.models import Delegation
from tests.conftest import sign_in


def _file_page(client, file):
    return client.get(reverse("performance:file", kwargs={"pk": file.pk}))


def test_the_head_delegates_and_the_member_of_staff_sees_who_reviews(
    client, head, teacher, line_manager, teacher_file
):
    sign_in(client, head, verified=True)
    until = timezone.localdate() + timedelta(days=60)
    response = client.post(
        reverse("performance:delegate", kwargs={"pk": teacher_file.pk}),
        {"reviewer": line_manager.pk, "ends_on": until.isoformat()},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get(file=teacher_file)
    assert (delegation.reviewer, delegation.ends_on, delegation.delegated_by) == (
        line_manager,
        until,
        head,
    )
    created = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Delegation),
        object_pk=str(delegation.pk),
        action=LogEntry.Action.CREATE,
    )
    assert created.filter(actor=head).exists()

    client.logout()
    sign_in(client, teacher)
    page = _file_page(client, teacher_file).content.decode()
    assert f"Reviewed by {line_manager.get_full_name()} until {until:%-d %B %Y}" in page


def test_without_a_date_the_delegation_runs_to_the_end_of_the_cycle(
    client, head, line_manager, teacher_file
):
    sign_in(client, head, verified=True)
    client.post(
        reverse("performance:delegate", kwargs={"pk": teacher_file.pk}),
        {"reviewer": line_manager.pk},
    )
    assert Delegation.objects.get().ends_on == teacher_file.cycle.ends_on


@pytest.mark.parametrize(
    "ends_on, message",
    [
        (lambda: timezone.localdate() - timedelta(days=1), "This date has passed"),
        (lambda: timezone.localdate() + timedelta(days=800), "The review cycle ends on"),
    ],
)
def test_a_date_outside_the_cycle_is_refused_clearly(
    client, head, line_manager, teacher_file, ends_on, message
):
    sign_in(client, head, verified=True)
    response = client.post(
        reverse("performance:delegate", kwargs={"pk": teacher_file.pk}),
        {"reviewer": line_manager.pk, "ends_on": ends_on().isoformat()},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()
    assert not Delegation.objects.exists()


def test_the_member_of_staff_cannot_be_their_own_reviewer(client, head, teacher, teacher_file):
    sign_in(client, head, verified=True)
    response = client.post(
        reverse("performance:delegate", kwargs={"pk": teacher_file.pk}),
        {"reviewer": teacher.pk},
    )
    assert response.status_code == 400
    assert not Delegation.objects.exists()


def test_the_last_day_is_included_and_the_day_after_is_closed(
    client, head, line_manager, teacher_file
):
    today = timezone.localdate()
    delegation = Delegation(
        file=teacher_file,
        reviewer=line_manager,
        starts_on=today - timedelta(days=30),
        ends_on=today,
        delegated_by=head,
    )
    delegation.save()
    sign_in(client, line_manager, verified=True)
    assert _file_page(client, teacher_file).status_code == 200
    # The day after the end: nothing was removed, the door asks the date.
    delegation.ends_on = today - timedelta(days=1)
    delegation.save()
    client.logout()
    sign_in(client, line_manager, verified=True)
    assert _file_page(client, teacher_file).status_code == 404
    assert not access.visible(
        line_manager, teacher_file.__class__.objects.all(), policy.READ
    ).exists()


def test_a_delegation_not_yet_begun_gives_nothing(client, head, line_manager, teacher_file):
    Delegation(
        file=teacher_file,
        reviewer=line_manager,
        starts_on=timezone.localdate() + timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=30),
        delegated_by=head,
    ).save()
    sign_in(client, line_manager, verified=True)
    assert _file_page(client, teacher_file).status_code == 404


def test_the_holder_ends_it_early(client, head, line_manager, teacher_file, delegation):
    sign_in(client, line_manager, verified=True)
    assert _file_page(client, teacher_file).status_code == 200
    client.logout()
    sign_in(client, head, verified=True)
    client.post(reverse("performance:end_delegation", kwargs={"pk": teacher_file.pk}))
    delegation.refresh_from_db()
    assert delegation.ended_at is not None and delegation.ended_by == head
    client.logout()
    sign_in(client, line_manager, verified=True)
    assert _file_page(client, teacher_file).status_code == 404


def test_one_delegation_at_a_time(client, head, observer, teacher_file, delegation):
    sign_in(client, head, verified=True)
    client.post(
        reverse("performance:delegate", kwargs={"pk": teacher_file.pk}),
        {"reviewer": observer.pk},
    )
    assert list(Delegation.objects.values_list("reviewer", flat=True)) == [delegation.reviewer_id]


def test_the_reviewer_never_sees_the_pay_recommendation(
    client, head, line_manager, teacher_file, delegation
):
    teacher_file.pay_recommendation = "progress"
    teacher_file.pay_reasons = "All objectives met with distinction"
    teacher_file.save()
    sign_in(client, line_manager, verified=True)
    page = _file_page(client, teacher_file).content.decode()
    assert "All objectives met with distinction" not in page
    assert "Pay recommendation" not in page
    client.logout()
    sign_in(client, head, verified=True)
    assert (
        "All objectives met with distinction" in _file_page(client, teacher_file).content.decode()
    )


def test_someone_elses_file_needs_a_confirmed_second_factor_ones_own_does_not(
    client, teacher, line_manager, chair, delegation, teacher_file, head_file
):
    """A password alone opens only one's own file: the reviewer of a colleague's file and the
    chair holding the head's are sent to confirm their second factor first."""
    sign_in(client, line_manager)
    response = _file_page(client, teacher_file)
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    sign_in(client, chair)
    response = _file_page(client, head_file)
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    sign_in(client, chair, verified=True)
    assert _file_page(client, head_file).status_code == 200
    sign_in(client, teacher)  # no second factor set up: their own file opens
    assert _file_page(client, teacher_file).status_code == 200
