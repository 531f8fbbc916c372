"""Opening the concern form for one child while an unsent concern about another is kept: the two
are never merged without the person choosing (a concern must not go out about the wrong child),
and starting a new one keeps the unsent one until it is sent or discarded."""

import pytest

from safeguarding.models import Concern, ConcernDraft, ConcernSubject
from tests.conftest import sign_in

from .conftest import form_data

URL = "/safeguarding/log/"
JACKS = "Jack was crying at the gate and would not say why."


@pytest.fixture
def jack(student_factory, oak):
    return student_factory(group=oak, first_name="Jack", last_name="Jones")


@pytest.fixture
def isla(student_factory, oak):
    return student_factory(group=oak, first_name="Isla", last_name="Iqbal")


@pytest.fixture
def unsent_about_jack(client, teacher, jack):
    sign_in(client, teacher)
    client.post(URL + "draft/", form_data(jack, account=JACKS))
    return client


def test_opening_for_another_child_asks_instead_of_merging(unsent_about_jack, jack, isla):
    response = unsent_about_jack.get(f"{URL}?child={isla.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "You have an unsent concern about <strong>Jack Jones</strong>" in page
    assert "Continue the concern about Jack Jones" in page
    assert "Start a new concern about Isla Iqbal" in page
    assert "We restored" not in page
    # No form is on this page: nothing about Isla can be sent together with Jack's words.
    assert 'id="concern-form"' not in page
    assert str(isla.pk) in page  # only as the child the new concern would be about
    assert f'value="{jack.pk}"' not in page


def test_continuing_brings_back_the_draft_about_jack_alone(unsent_about_jack, jack, isla):
    page = unsent_about_jack.get(URL).content.decode()
    assert "We restored the concern you had started" in page
    assert JACKS in page
    assert f'value="{jack.pk}"' in page
    assert f'value="{isla.pk}"' not in page


def test_starting_new_keeps_the_draft_and_gives_a_form_about_isla_alone(
    unsent_about_jack, teacher, jack, isla
):
    response = unsent_about_jack.post(URL + "new/", {"child": str(isla.pk)})
    assert response.status_code == 302 and response["Location"] == f"{URL}?child={isla.pk}"
    page = unsent_about_jack.get(response["Location"]).content.decode()
    assert 'id="concern-form"' in page
    assert f'name="students-0-student" value="{isla.pk}"' in page
    assert f'value="{jack.pk}"' not in page
    assert JACKS not in page
    assert "We restored" not in page
    assert "You also have an unsent concern about <strong>Jack Jones</strong>" in page
    # Jack's words are still kept, encrypted in the draft, while Isla's form is written.
    unsent_about_jack.post(URL + "draft/", form_data(isla, account="Isla said she is hungry."))
    kept = ConcernDraft.objects.get(author=teacher).payload
    assert kept["account"] == ["Isla said she is hungry."]
    assert kept["_put_aside"][0]["typed"]["account"] == [JACKS]


def test_the_draft_put_aside_comes_back_once_the_new_one_is_sent(
    unsent_about_jack, teacher, jack, isla
):
    unsent_about_jack.post(URL + "new/", {"child": str(isla.pk)})
    sent = unsent_about_jack.post(URL, form_data(isla, account="Isla said she is hungry."))
    assert sent.status_code == 302
    concern = Concern.objects.get()
    assert [s.student_ref for s in concern.subjects.all()] == [ConcernSubject.ref_for(isla)]
    page = unsent_about_jack.get(URL).content.decode()
    assert "We restored the concern you had started" in page
    assert JACKS in page and f'value="{jack.pk}"' in page and f'value="{isla.pk}"' not in page


def test_the_draft_put_aside_comes_back_when_the_new_one_is_discarded(
    unsent_about_jack, jack, isla
):
    unsent_about_jack.post(URL + "new/", {"child": str(isla.pk)})
    unsent_about_jack.post(URL + "draft/", form_data(isla, account="Isla said she is hungry."))
    response = unsent_about_jack.post(URL + "draft/discard/", follow=True)
    page = response.content.decode()
    assert "The concern you had put aside is back" in page
    assert JACKS in page and "Isla said she is hungry." not in page
    # Discarding that one too leaves a blank form and nothing kept.
    unsent_about_jack.post(URL + "draft/discard/")
    assert not ConcernDraft.objects.exists()


def test_a_draft_about_the_same_child_simply_carries_on(unsent_about_jack, jack):
    page = unsent_about_jack.get(f"{URL}?child={jack.pk}").content.decode()
    assert "We restored the concern you had started" in page and JACKS in page


def test_a_draft_with_words_but_no_child_is_not_merged_either(client, teacher, isla):
    sign_in(client, teacher)
    client.post(URL + "draft/", form_data(isla, **{"students-0-student": ""}, account=JACKS))
    page = client.get(f"{URL}?child={isla.pk}").content.decode()
    assert "You have an unsent concern about <strong>no child chosen yet</strong>" in page
    assert 'id="concern-form"' not in page


def test_an_empty_draft_does_not_stand_in_the_way(client, teacher, isla):
    sign_in(client, teacher)
    client.post(URL + "draft/", {"idempotency_key": "", "category": "physical"})
    page = client.get(f"{URL}?child={isla.pk}").content.decode()
    assert f'name="students-0-student" value="{isla.pk}"' in page
