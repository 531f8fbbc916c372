"""The demo school's families: two parents who can sign in, with different children, one each in
3 Oak; learning, work files and consents for the portal to show (seeding twice changes nothing:
tests/test_demo_school.py)."""

from confidentiality import access
from records.models import Grade, PhotoConsent, Student, WorkItem


def test_seed_demo_gives_every_child_a_family_and_a_learning_record(demo_school):
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
