"""The work of a review (P18): the reviewer sets objectives and records meetings, the member of
staff adds their comments and signs off; bad input is refused with a clear message and nothing
typed is lost."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from performance.models import ReviewMeeting
from tests.conftest import sign_in


def test_the_head_sets_an_objective_and_records_a_review(client, head, teacher_file):
    sign_in(client, head, verified=True)
    client.post(
        reverse("performance:add_objective", kwargs={"pk": teacher_file.pk}),
        {"title": "Lead the spelling scheme", "success_criteria": "In every KS2 class"},
    )
    client.post(
        reverse("performance:add_review", kwargs={"pk": teacher_file.pk}),
        {
            "kind": "objective_setting",
            "held_on": timezone.localdate().isoformat(),
            "notes": "Discussed the year ahead",
            "outcome": "Objectives agreed",
        },
    )
    page = client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk})).content
    assert b"Lead the spelling scheme" in page and b"Objectives agreed" in page
    assert teacher_file.reviews.get().recorded_by == head


def test_a_review_in_the_future_is_refused_and_what_was_typed_is_kept(client, head, teacher_file):
    sign_in(client, head, verified=True)
    response = client.post(
        reverse("performance:add_review", kwargs={"pk": teacher_file.pk}),
        {
            "kind": "mid_year",
            "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "notes": "Notes that took twenty minutes to write",
            "outcome": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in page
    assert "This date is in the future" in page and "Write the outcome" in page
    assert "Notes that took twenty minutes to write" in page
    assert not ReviewMeeting.objects.exists()


def test_an_overlong_objective_says_so_and_keeps_the_text(client, head, teacher_file):
    sign_in(client, head, verified=True)
    long = "word " * 1200
    response = client.post(
        reverse("performance:add_objective", kwargs={"pk": teacher_file.pk}),
        {"title": long, "success_criteria": "Met"},
    )
    assert response.status_code == 400
    assert "this box takes up to 5,000" in response.content.decode()
    assert long.strip() in response.content.decode()


def test_the_member_of_staff_comments_then_signs_off(client, teacher, teacher_file, review):
    sign_in(client, teacher)
    url = reverse(
        "performance:comment_on_review", kwargs={"pk": teacher_file.pk, "review_pk": review.pk}
    )
    client.post(url, {"staff_comments": "I would like more time for objective 2"})
    review.refresh_from_db()
    assert review.staff_comments == "I would like more time for objective 2"
    assert not review.is_signed_off
    assert "I would like more time" in client.get(url).content.decode()  # kept in the form
    client.post(url, {"staff_comments": "Agreed after discussion", "sign_off": "on"})
    review.refresh_from_db()
    assert review.is_signed_off and review.staff_comments == "Agreed after discussion"
    # Signed off: nothing more changes.
    client.post(url, {"staff_comments": "Changed my mind"})
    review.refresh_from_db()
    assert review.staff_comments == "Agreed after discussion"
    page = client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk})).content
    assert b"Signed off by" in page and b"Add your comments and sign off" not in page


def test_an_empty_comment_without_sign_off_is_refused_clearly(
    client, teacher, teacher_file, review
):
    sign_in(client, teacher)
    response = client.post(
        reverse(
            "performance:comment_on_review",
            kwargs={"pk": teacher_file.pk, "review_pk": review.pk},
        ),
        {"staff_comments": "  "},
    )
    assert response.status_code == 400
    assert "Write a comment, or tick the box to sign off" in response.content.decode()


def test_a_review_of_another_file_is_not_found_through_this_one(
    client, teacher, teacher_file, head_file, chair
):
    other = ReviewMeeting(
        file=head_file,
        kind="final",
        held_on=timezone.localdate(),
        notes="n",
        outcome="o",
        recorded_by=chair,
    )
    other.save()
    sign_in(client, teacher)
    response = client.post(
        reverse(
            "performance:comment_on_review",
            kwargs={"pk": teacher_file.pk, "review_pk": other.pk},
        ),
        {"staff_comments": "x", "sign_off": "on"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.is_signed_off


def test_the_member_of_staff_sees_their_own_pay_recommendation(client, teacher, teacher_file):
    teacher_file.pay_recommendation = "progress"
    teacher_file.pay_reasons = "Objectives met"
    teacher_file.save()
    sign_in(client, teacher)
    page = client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk})).content
    assert b"Pay progression recommended" in page and b"Objectives met" in page
    assert b"Make the pay recommendation" not in page and b"Change the pay" not in page
