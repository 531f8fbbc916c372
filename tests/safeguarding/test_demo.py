"""The demo school has concerns at every stage (seeding twice changes nothing:
tests/test_demo_school.py)."""

from django.utils import timezone

from safeguarding.models import Action, Alert, Concern, Referral


def test_seed_demo_fills_the_dsls_screens(demo_school):
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert statuses == {"new", "acknowledged", "in_progress", "closed"}
    assert Concern.objects.urgent_unacknowledged().exists()
    assert Action.objects.overdue().exists() and Referral.objects.overdue().exists()
    assert Concern.objects.filter(status="closed").exclude(decision="").exists()
    assert Alert.objects.exists()


def test_seed_demo_has_a_full_case_advice_an_adult_concern_and_training(demo_school):
    from records.models import FamilyNotice
    from safeguarding import chronology
    from safeguarding.models import AdviceRequest, InformationShare, PolicyReading
    from safeguarding.models.training import people_who_train, requirements

    share = InformationShare.objects.get()
    assert share.concern.is_closed and share.parents_told
    assert share.parent_notice_title and not FamilyNotice.objects.information_shared().exists()
    kinds = {e.kind for e in chronology.entries_for(share.student)}
    assert {"concern", "action", "referral", "share", "outcome"} <= kinds
    assert AdviceRequest.objects.filter(answered_at__isnull=False).count() == 1
    assert AdviceRequest.objects.filter(concern__isnull=False).count() == 1
    adult = Concern.objects.about_adults().get()
    assert adult.adult.person.username == "teacher2"
    assert PolicyReading.objects.exists()
    states = {n.state(timezone.localdate()) for n in requirements(people_who_train())}
    assert {"overdue", "due_soon", "ok"} <= states
