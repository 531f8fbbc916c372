"""The demo school has concerns at every stage; seeding twice changes nothing."""

import io

from django.core.management import call_command

from safeguarding.models import Action, Alert, Concern, Referral


def test_seed_demo_fills_the_dsls_screens_and_is_idempotent(db):
    call_command("seed_demo", password="demo-pass-for-tests-2026", stdout=io.StringIO())
    counts = (
        Concern.objects.count(),
        Action.objects.count(),
        Referral.objects.count(),
        Alert.objects.count(),
    )
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert statuses == {"new", "acknowledged", "in_progress", "closed"}
    assert Concern.objects.urgent_unacknowledged().exists()
    assert Action.objects.overdue().exists() and Referral.objects.overdue().exists()
    assert Concern.objects.filter(status="closed").exclude(decision="").exists()
    call_command("seed_demo", password="demo-pass-for-tests-2026", stdout=io.StringIO())
    assert counts == (
        Concern.objects.count(),
        Action.objects.count(),
        Referral.objects.count(),
        Alert.objects.count(),
    )
