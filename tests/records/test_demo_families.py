"""The demo school's families: two parents who can sign in, with different children, one each in
3 Oak; learning, work files and consents for the portal to show; seeding twice changes nothing."""

import io

from django.core.management import call_command

from confidentiality import access
from records.models import Grade, ParentLink, PhotoConsent, Student, WorkItem


def test_seed_demo_gives_every_child_a_family_and_a_learning_record(db):
    call_command("seed_demo", password="demo-pass-for-tests-2026", stdout=io.StringIO())
    counts = (ParentLink.objects.count(), Grade.objects.count(), WorkItem.objects.count())
    assert Student.objects.count() == 60
    assert not Student.objects.filter(parent_links__isnull=True).exists()
    assert Grade.objects.count() >= 60 and PhotoConsent.objects.exists()

    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    parent, parent2 = users.get(username="parent"), users.get(username="parent2")
    mine = access.visible(parent, Student.objects.all(), "records.view_as_parent")
    theirs = access.visible(parent2, Student.objects.all(), "records.view_as_parent")
    assert mine.count() == 2 and theirs.count() == 2
    assert not set(mine) & set(theirs)
    assert mine.filter(teaching_groups__name="3 Oak").exists()
    assert theirs.filter(teaching_groups__name="3 Oak").exists()
    work = WorkItem.objects.filter(student__in=mine).first()
    assert bytes(work.content)[:4] in {b"\x89PNG", b"%PDF"}

    call_command("seed_demo", password="demo-pass-for-tests-2026", stdout=io.StringIO())
    assert (ParentLink.objects.count(), Grade.objects.count(), WorkItem.objects.count()) == counts
