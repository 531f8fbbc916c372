"""H3, the application's side of blind references: what a foreign key used to guarantee still
holds (a child or adult named in a case cannot be deleted), lists still cost a fixed number of
queries, and "who has seen this" finds entries written either way."""

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from confidentiality.audit import subject_key, subject_keys
from confidentiality.roles import Role
from safeguarding import chronology
from safeguarding.models import Concern, Referral
from tests.conftest import sign_in
from tests.safeguarding.conftest import IMMEDIATE, signed


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def log_concern(db):
    """Log a concern naming ``students`` through the verb the form uses."""
    import uuid

    from django.utils import timezone

    from safeguarding import raising
    from safeguarding.models import ConcernSubject

    def make(author, students):
        data = {
            "idempotency_key": uuid.uuid4(),
            "category": "neglect",
            "urgency": "routine",
            "account": "No coat again.",
            "happened_at": timezone.now(),
        }
        pairs = [(s, ConcernSubject.Part.SUBJECT) for s in students]
        return raising.raise_concern(author, data, pairs, [])[0]

    return make


def test_a_child_named_in_a_concern_cannot_be_deleted(log_concern, teacher, pupil):
    log_concern(teacher, [pupil])
    with pytest.raises(ProtectedError):
        pupil.delete()


def test_a_child_named_nowhere_can_be_deleted(student_factory, teacher, log_concern, pupil):
    log_concern(teacher, [pupil])
    other = student_factory(first_name="Sam")
    other.delete()


def test_the_adult_a_concern_names_cannot_be_deleted(teacher, other_teacher, dsl, head):
    from safeguarding.adults import raise_adult_concern

    raise_adult_concern(teacher, _about(other_teacher))
    with pytest.raises(ProtectedError):
        other_teacher.delete()


def test_an_adult_named_nowhere_can_be_deleted(teacher, make_user, other_teacher, dsl, head):
    from safeguarding.adults import raise_adult_concern

    raise_adult_concern(teacher, _about(other_teacher))
    make_user("leaver", Role.TEACHER).delete()


def _about(person):
    import uuid

    from django.utils import timezone

    return {
        "idempotency_key": uuid.uuid4(),
        "person": person,
        "nature": "allegation",
        "category": "physical",
        "urgency": "routine",
        "account": "Grabbed a pupil by the arm.",
        "happened_at": timezone.now(),
    }


def test_a_referral_nobody_has_made_yet_says_so_in_the_chronology(log_concern, teacher, pupil):
    concern = log_concern(teacher, [pupil])
    Referral(concern=concern, agency=Referral.Agency.POLICE).save()
    (entry,) = [e for e in chronology.entries_for(pupil) if e.kind == chronology.Kind.REFERRAL]
    assert entry.who == "Not yet made by anyone"


def test_both_forms_of_a_subject_key_are_looked_up(pupil):
    plain, blind = subject_keys(f"records.student:{pupil.pk}")
    assert plain == subject_key(pupil) and blind == subject_key(pupil, blind=True)
    assert blind.startswith("records.student:#") and str(pupil.pk) not in blind
    assert subject_keys("records.student:not-a-key") == ["records.student:not-a-key"]
    assert subject_keys("nothing.here:1") == ["nothing.here:1"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lists_that_name_children_cost_the_same_for_one_concern_or_many(
    client, log_concern, teacher, dsl, student_factory, oak
):
    signed(teacher)
    log_concern(teacher, [student_factory(group=oak)])
    sign_in(client, teacher)
    _queries(client, "/safeguarding/mine/")  # the first look of a session sets it up
    mine_one = _queries(client, "/safeguarding/mine/")
    sign_in(client, dsl, verified=True)
    _queries(client, "/safeguarding/")
    dashboard_one = _queries(client, "/safeguarding/")
    for _ in range(4):
        log_concern(teacher, [student_factory(group=oak), student_factory(group=oak)])
    sign_in(client, teacher)
    assert _queries(client, "/safeguarding/mine/") == mine_one
    sign_in(client, dsl, verified=True)
    assert _queries(client, "/safeguarding/") == dashboard_one
    page = client.get("/safeguarding/").content.decode()
    for concern in Concern.objects.all():
        for named in concern.named_children:
            assert str(named.student) in page


def test_after_a_new_blind_index_key_the_references_are_rebuilt_from_the_sealed_keys(
    log_concern, teacher, other_teacher, pupil, dsl, head, settings
):
    from django.core.management import call_command

    from safeguarding.adults import raise_adult_concern
    from safeguarding.models import AdviceRequest

    concern = log_concern(teacher, [pupil])
    raise_adult_concern(teacher, _about(other_teacher))
    AdviceRequest(asked_by=teacher, student=pupil, question="Is this a worry?").save()
    settings.BLIND_INDEX_KEY = "a new key after a suspected leak"
    assert not Concern.objects.about(pupil).exists()  # the old references say nothing now
    call_command("rebuild_blind_references", verbosity=0)
    assert list(Concern.objects.about(pupil)) == [concern]
    assert not Concern.objects.not_about(other_teacher).about_adults().exists()
    assert AdviceRequest.objects.filter(**AdviceRequest.student.lookup(pupil)).exists()
