"""The DSL and the head teacher see when the last good backup was made; a teacher does not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backups import status
from backups.models import Backup
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _dashboard(client, user) -> str:
    sign_in(client, user, verified=True)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _backup(days_ago: float, verified=True):
    return Backup.objects.create(
        made_at=timezone.now() - timedelta(days=days_ago),
        file_name="school-backup.backup" if verified else "",
        size_bytes=1000 if verified else None,
        verified=verified,
        problem="" if verified else "Backup FAILED: the disk is full",
    )


@pytest.mark.parametrize("who", ["dsl", "head"])
def test_the_dsl_and_head_see_the_last_good_backup(client, request, who):
    good = _backup(days_ago=0.5)
    page = _dashboard(client, request.getfixturevalue(who))
    assert f"Last good backup: {timezone.localtime(good.made_at):%d %B %Y at %H:%M}" in page
    assert "Ask the IT technician" not in page


def test_a_teacher_sees_nothing_of_backups(client, teacher):
    _backup(days_ago=0.5)
    page = _dashboard(client, teacher)
    assert "Last good backup" not in page and "Backups" not in page


def test_an_old_backup_is_a_warning(client, head):
    _backup(days_ago=3)
    page = _dashboard(client, head)
    assert "No good backup for more than two days" in page


def test_a_failed_attempt_is_a_warning_with_the_last_good_date(client, dsl):
    good = _backup(days_ago=1)
    _backup(days_ago=0.1, verified=False)
    page = _dashboard(client, dsl)
    assert f"Last good backup: {timezone.localtime(good.made_at):%d %B %Y at %H:%M}" in page
    assert "failed. Ask the IT technician" in page
    assert status.last_good_backup() == good


def test_no_backup_yet_is_said(client, dsl):
    page = _dashboard(client, dsl)
    assert "Last good backup: none yet." in page
    assert status.last_good_backup() is None
