"""The demo school's retention: a hold on every safeguarding record for an inquiry, and a
closed subject-access request past its year that the hold keeps, so a new head teacher or DSL
sees a real report, holds page and dashboard panel."""

from django.urls import reverse

from confidentiality.models import User
from retention.demo import seed_retention
from retention.models import DeletionCertificate, LegalHold
from retention.schedule import apply
from subject_access.models import SubjectAccessRequest
from tests.conftest import sign_in


def test_the_demo_report_shows_a_record_kept_by_the_inquirys_hold(client, demo_school):
    hold = LegalHold.objects.in_force().get()
    assert hold.scope == LegalHold.Scope.SAFEGUARDING and "Practice Review" in hold.reason
    closed = SubjectAccessRequest.objects.get(status="closed")

    sign_in(client, User.objects.get(username="dsl"), verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert f"Subject-access request for {closed.student}" in page
    assert f"Legal hold {hold.reference}" in page
    assert "Practice Review" in client.get(reverse("retention:holds")).content.decode()
    panel = next(
        p
        for p in client.get(reverse("dashboard")).context["panels"]
        if p["title"] == "Retention of records"
    )
    labels = [item["label"] for item in panel["items"]]
    assert labels[1] == "1 legal hold in force"
    assert labels[0].endswith("kept") and "0 to delete" in labels[0]

    # The run keeps it; seeding again adds nothing.
    apply(description="a test run")
    assert SubjectAccessRequest.objects.filter(pk=closed.pk).exists()
    assert not DeletionCertificate.objects.filter(kind="subject_access_request").exists()
    seed_retention({"dsl": User.objects.get(username="dsl")})
    assert LegalHold.objects.count() == 1
