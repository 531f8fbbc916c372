"""The demo school's performance files: what each demo person finds (P18)."""

from django.urls import reverse

from confidentiality.models import User
from performance.models import Observation, PerformanceFile
from tests.conftest import sign_in


def _file(username):
    return PerformanceFile.objects.get(subject__username=username)


def _status(client, username, url):
    client.logout()
    user = User.objects.get(username=username)
    sign_in(client, user, verified=True)
    return client.get(url).status_code


def test_the_demo_files(client, demo_school):
    teacher2 = reverse("performance:file", kwargs={"pk": _file("teacher2").pk})
    head = reverse("performance:file", kwargs={"pk": _file("head").pk})
    teacher = reverse("performance:file", kwargs={"pk": _file("teacher").pk})
    # The deputy reviews teacher2's file; not teacher's.
    assert _status(client, "deputy", teacher2) == 200
    assert _status(client, "deputy", teacher) == 404
    # The chair ("governor") holds the head's file, and nothing else.
    assert _status(client, "governor", head) == 200
    assert _status(client, "governor", teacher) == 404
    assert _status(client, "dsl", teacher) == 404
    # The deputy's draft observation of teacher; teacher's objectives signed off.
    draft = Observation.objects.get(observer__username="deputy", submitted_at=None)
    assert draft.file == _file("teacher")
    assert _file("teacher").reviews.filter(signed_off_at__isnull=False).exists()
    assert _file("teacher2").delegations.get().reviewer.username == "deputy"
    assert "reading outcomes" in _file("teacher").data_entries.get().title
