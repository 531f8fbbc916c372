"""The concern form guides (issue 13): without script, "Add the ticked children" with nothing
ticked keeps the matches and says what to do; an error about a group of answers links to its
first answer, so the link moves focus where the answer is given."""

from tests.conftest import sign_in

from .conftest import form_data

URL = "/safeguarding/log/"


def blank_form(pupil, **overrides):
    data = form_data(pupil, **{"students-0-student": "", "students-TOTAL_FORMS": "1"})
    data.pop("students-1-student", None)
    data.pop("students-1-part", None)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_with_nothing_ticked_keeps_the_matches_and_says_what_to_do(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL, blank_form(pupil, child_search="quinn", find="1"))
    response = client.post(URL, blank_form(pupil, child_search="quinn", add="1"))
    page = response.content.decode()
    assert "Tick at least one child, or search again." in page
    assert f'name="add_child" value="{pupil.pk}"' in page  # the matches are still there
    assert "My dad hit me with a belt." in page  # and everything typed


def test_adding_a_ticked_child_says_nothing_of_ticking(client, teacher, pupil):
    sign_in(client, teacher)
    page = client.post(
        URL, blank_form(pupil, child_search="quinn", add_child=str(pupil.pk), add="1")
    ).content.decode()
    assert "Tick at least one child" not in page
    assert f'name="students-0-student" value="{pupil.pk}"' in page


def test_the_error_about_keeping_it_secret_links_to_its_first_answer(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, child_told=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_child_told_0"' in page and 'id="id_child_told_0"' in page
    assert 'href="#id_child_told"' not in page


def test_the_form_sends_to_its_own_address_without_a_fragment(client, teacher, pupil):
    # A browser carries "#field" from the address a form was sent from to the page it is sent
    # on to; the form names its address, so the page after a send is clean.
    page = sign_in(client, teacher).get(URL).content.decode()
    assert f'action="{URL}"' in page
