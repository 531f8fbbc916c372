"""P5, P10: every look at a list of children, concerns or questions writes one access entry,
through one helper (``confidentiality.audit.record_list_look``): its subject is the person
looking, ``how`` says which list, and a search keeps what was searched for. A refused look
writes nothing."""

import pytest
from auditlog.models import LogEntry

from confidentiality import audit
from confidentiality.audit import subject_key
from tests.conftest import sign_in
from tests.safeguarding.conftest import signed


def looks(user):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user)


@pytest.mark.parametrize(
    ("persona", "url", "how"),
    [
        ("dsl", "/safeguarding/advice/", "requests for advice"),
        ("teacher", "/safeguarding/advice/mine/", "my requests for advice"),
        ("teacher", "/safeguarding/mine/", "my concerns"),
        ("dsl", "/records/meetings/", "meeting requests"),
        ("teacher", "/records/meetings/", "meeting requests"),
        ("dsl", "/safeguarding/", "safeguarding dashboard"),
        ("dsl", "/safeguarding/alerts/", "alert list"),
    ],
)
def test_each_look_at_a_list_writes_one_entry_about_the_looker(
    client, request, persona, url, how, oak
):
    user = signed(request.getfixturevalue(persona))
    sign_in(client, user, verified=True)
    assert client.get(url).status_code == 200
    (entry,) = looks(user)
    assert entry.additional_data["how"] == how
    assert entry.additional_data["subject"] == subject_key(user)
    assert entry.additional_data["path"] == url


@pytest.mark.parametrize("persona", ["teacher", "head", "office"])
def test_a_refused_look_at_the_advice_queue_writes_nothing(client, request, persona):
    user = signed(request.getfixturevalue(persona))
    sign_in(client, user, verified=True)
    assert client.get("/safeguarding/advice/").status_code == 404
    assert not looks(user).exists()


def test_a_search_of_the_pupil_list_keeps_what_was_searched_for(client, teacher, pupil):
    sign_in(client, signed(teacher))
    assert client.get("/records/students/?q=Patel").status_code == 200
    (entry,) = looks(teacher)
    assert entry.additional_data["how"] == "student list"
    assert entry.additional_data["reason"] == "searched for “Patel”"


def test_there_is_one_helper_for_looks_at_lists():
    import records.views.students
    import safeguarding.views.team

    assert callable(audit.record_list_look)
    assert not hasattr(records.views.students, "_audit_list")
    assert getattr(safeguarding.views.team, "record_list_look", None) in (
        None,
        audit.record_list_look,
    )
