"""The concern form in everyday use: one search to find the child (never the whole roll), every
error named and linked from a summary at the top, an empty concern refused with nothing typed
lost, the child chosen already from their page, and after an urgent concern, whom to find now."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from records.models import SupportAssignment, TeachingGroup
from safeguarding.models import Concern
from safeguarding.views import raising as raising_views
from tests.conftest import sign_in

from .conftest import form_data

URL = "/safeguarding/log/"
SEARCH = "/safeguarding/log/children/"
SEEN = "A round bruise on her left arm when she rolled up her sleeve."


def searches():
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__how=raising_views.SEARCH_LOOK,
    )


def blank_form(pupil, **overrides):
    """The form as posted before any child is chosen (``pupil`` only fills the other rows)."""
    data = form_data(pupil, **{"students-0-student": "", "students-TOTAL_FORMS": "1"})
    data.pop("students-1-student", None)
    data.pop("students-1-part", None)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def birch(db, other_teacher):
    group = TeachingGroup.objects.create(name="5 Birch", year_group=5)
    group.staff.add(other_teacher)
    return group


@pytest.fixture
def not_taught(student_factory, birch):
    """A child the teacher does not teach: a concern may still be about them."""
    return student_factory(group=birch, first_name="Zainab", last_name="Okafor", year_group=5)


# --- the picker without script: Find, tick, Send; nothing typed is lost -------------------------


def test_find_lists_the_matches_and_keeps_everything_typed(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, blank_form(pupil, child_search="Maya", find="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="add_child" value="{pupil.pk}"' in page
    assert "Maya Quinn" in page and "3 Oak, Year 3" in page
    for typed in ("My dad hit me with a belt.", "Round bruise, about 3 cm", "Reading corner"):
        assert typed in page
    assert 'value="Maya"' in page  # the search box keeps what was typed
    assert "There is a problem" not in page  # a search is not a failed send
    assert not Concern.objects.exists()


def test_a_ticked_match_is_chosen_and_the_concern_sent_with_everything(client, teacher, pupil):
    sign_in(client, teacher)
    found = client.post(URL, blank_form(pupil, child_search="quinn", find="1"))
    assert f'value="{pupil.pk}"' in found.content.decode()
    added = client.post(URL, blank_form(pupil, add_child=str(pupil.pk), add="1"))
    page = added.content.decode()
    assert f'name="students-0-student" value="{pupil.pk}"' in page
    assert "Maya Quinn (3 Oak, Year 3): their part" in page
    assert "My dad hit me with a belt." in page
    # Send: the chosen child, the part changed to a witness, and every other answer kept.
    sent = client.post(
        URL,
        form_data(pupil, **{"students-0-part": "witness", "students-TOTAL_FORMS": "1"}),
    )
    assert sent.status_code == 302
    concern = Concern.objects.get()
    assert [(s.student, s.part) for s in concern.children_named_by_author] == [(pupil, "witness")]
    assert concern.account == "My dad hit me with a belt."
    assert concern.location == "Reading corner"
    assert concern.body_map == [{"region": "front-left-arm", "note": "Round bruise, about 3 cm"}]


def test_a_match_ticked_and_sent_straight_away_is_the_subject(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, blank_form(pupil, add_child=str(pupil.pk)))
    assert response.status_code == 302
    assert list(Concern.objects.get().students()) == [pupil]


def test_remove_takes_one_child_off_and_keeps_the_rest(client, teacher, pupil, student_factory):
    sibling = student_factory(first_name="Ellis", last_name="Quinn")
    sign_in(client, teacher)
    data = form_data(
        pupil,
        **{"students-1-student": str(sibling.pk), "students-1-part": "sibling", "remove": "0"},
    )
    page = client.post(URL, data).content.decode()
    assert f'name="students-0-student" value="{sibling.pk}"' in page
    assert f'value="{pupil.pk}"' not in page
    assert "My dad hit me with a belt." in page
    assert not Concern.objects.exists()


def test_a_staff_member_finds_a_child_they_do_not_teach(client, teacher, pupil, not_taught):
    sign_in(client, teacher)
    page = client.post(URL, blank_form(pupil, child_search="Okafor", find="1")).content.decode()
    assert f'value="{not_taught.pk}"' in page and "5 Birch, Year 5" in page


@pytest.mark.parametrize("typed", ["Oak", "year 3", "Y3"])
def test_a_child_is_found_by_class_or_year(client, teacher, pupil, not_taught, typed):
    sign_in(client, teacher)
    page = client.post(URL, blank_form(pupil, child_search=typed, find="1")).content.decode()
    assert f'value="{pupil.pk}"' in page
    assert f'value="{not_taught.pk}"' not in page


def test_one_letter_finds_nobody_and_is_not_a_look(client, teacher, pupil):
    sign_in(client, teacher)
    page = client.post(URL, blank_form(pupil, child_search="M", find="1")).content.decode()
    assert "Type at least 2 letters" in page
    assert 'name="add_child"' not in page
    assert not searches().exists()


def test_each_search_without_script_is_an_audited_look(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL, blank_form(pupil, child_search="Maya", find="1"))
    entry = searches().get()
    assert entry.actor == teacher
    assert entry.additional_data["area"] == "safeguarding"
    assert "Maya" in entry.additional_data["reason"]


def test_a_search_lists_at_most_ten_and_says_there_are_more(
    client, teacher, pupil, student_factory
):
    for n in range(12):
        student_factory(first_name=f"Robin{n:02d}", last_name="Ashdown")
    sign_in(client, teacher)
    page = client.post(URL, blank_form(pupil, child_search="Ashdown", find="1")).content.decode()
    assert page.count('name="add_child"') == 10
    assert "Only the first 10 matches are shown" in page


def test_a_child_id_the_person_may_not_choose_is_refused(client, nurse, pupil, student_factory):
    """A nurse finds only her own pupils: another child's id, posted by hand, is not accepted."""
    own = student_factory(first_name="Noor", last_name="Hale")
    SupportAssignment.objects.create(
        staff=nurse, student=own, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    sign_in(client, nurse)
    response = client.post(URL, form_data(pupil))
    assert response.status_code == 400
    assert "could not be found" in response.content.decode()
    assert not Concern.objects.exists()


# --- the search as the form types (JSON) ---------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_by_the_search(client):
    response = client.get(SEARCH, {"q": "Maya"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["parent", "governor"])
def test_who_may_not_search_gets_404(client, request, persona, pupil):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(SEARCH, {"q": "Maya"}).status_code == 404
    assert not searches().exists()


def test_who_has_not_signed_the_agreement_gets_no_search(client, volunteer, pupil):
    from confidentiality.models.agreements import ConfidentialityAgreement

    ConfidentialityAgreement.publish("Keep what you see in class to yourself.")
    sign_in(client, volunteer, agreed=False)
    response = client.get(SEARCH, {"q": "Maya"})
    assert response.status_code in (302, 404)
    assert b"Maya" not in response.content
    assert not searches().exists()


@pytest.mark.parametrize("persona", ["teacher", "ta", "office", "head", "dsl"])
def test_staff_find_any_child(client, request, persona, pupil, not_taught):
    sign_in(client, request.getfixturevalue(persona))
    for typed, child in (("maya", pupil), ("Okaf", not_taught)):
        answer = client.get(SEARCH, {"q": typed}).json()
        assert [c["id"] for c in answer["children"]] == [str(child.pk)]


def test_the_search_gives_name_class_and_year_only(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.get(SEARCH, {"q": "Maya"})
    (child,) = response.json()["children"]
    assert child == {
        "id": str(pupil.pk),
        "first_name": "Maya",
        "last_name": "Quinn",
        "class": "3 Oak",
        "year": 3,
        "label": "Maya Quinn (3 Oak, Year 3)",
    }
    body = response.content.decode()
    assert pupil.upn not in body and "2018" not in body  # no UPN, no date of birth


def test_the_search_needs_two_letters_and_records_nothing_before(client, teacher, pupil):
    sign_in(client, teacher)
    for typed in ("", "M", " m "):
        answer = client.get(SEARCH, {"q": typed}).json()
        assert answer["children"] == [] and "at least 2 letters" in answer["message"]
    assert not searches().exists()


def test_the_search_returns_at_most_ten(client, teacher, student_factory):
    for n in range(15):
        student_factory(first_name=f"Sam{n:02d}", last_name="Lowe")
    sign_in(client, teacher)
    answer = client.get(SEARCH, {"q": "Lowe"}).json()
    assert len(answer["children"]) == 10 and answer["more"] is True
    assert "Type more of the name" in answer["message"]


def test_each_search_is_audited_as_safeguarding_work(client, teacher, pupil):
    sign_in(client, teacher)
    client.get(SEARCH, {"q": "Maya"})
    client.get(SEARCH, {"q": "Quinn"})
    entries = list(searches().order_by("timestamp"))
    assert len(entries) == 2
    assert all(e.actor == teacher and e.additional_data["area"] == "safeguarding" for e in entries)
    assert "Quinn" in entries[1].additional_data["reason"]


def test_the_search_is_bounded_per_minute(client, teacher, pupil, monkeypatch):
    monkeypatch.setattr(raising_views, "SEARCHES_PER_MINUTE", 2)
    sign_in(client, teacher)
    # The count is per minute of the clock: the three searches are made in the same minute
    # (on a slow machine they could straddle one and each minute would count afresh).
    from django.utils import timezone

    same_minute = timezone.now().replace(second=10)
    monkeypatch.setattr(timezone, "now", lambda: same_minute)
    assert client.get(SEARCH, {"q": "Maya"}).status_code == 200
    assert client.get(SEARCH, {"q": "Maya"}).status_code == 200
    refused = client.get(SEARCH, {"q": "Maya"})
    assert refused.status_code == 429 and refused.json()["children"] == []
    assert searches().count() == 2


def test_a_nurse_finds_only_her_own_pupils(client, nurse, pupil, student_factory):
    own = student_factory(first_name="Noor", last_name="Quinn")
    SupportAssignment.objects.create(
        staff=nurse, student=own, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    sign_in(client, nurse)
    answer = client.get(SEARCH, {"q": "Quinn"}).json()
    assert [c["id"] for c in answer["children"]] == [str(own.pk)]  # never Maya Quinn


def test_a_volunteer_finds_only_the_children_of_the_class_they_help_in(
    client, volunteer, oak, pupil, not_taught
):
    oak.staff.add(volunteer)
    sign_in(client, volunteer)
    assert [c["id"] for c in client.get(SEARCH, {"q": "Maya"}).json()["children"]] == [
        str(pupil.pk)
    ]
    assert client.get(SEARCH, {"q": "Okafor"}).json()["children"] == []
    assert 'name="child_search"' in client.get(URL).content.decode()


def test_a_volunteer_in_no_class_finds_nobody_and_names_the_child_in_words(
    client, volunteer, pupil
):
    sign_in(client, volunteer)
    assert client.get(SEARCH, {"q": "Maya"}).json()["children"] == []
    page = client.get(URL).content.decode()
    assert 'name="child_search"' not in page
    assert 'name="child_named"' in page


# --- nobody is shown the roll --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["teacher", "ta", "office", "volunteer", "nurse", "dsl"])
def test_the_form_never_lists_the_roll(client, request, persona, pupil, not_taught):
    sign_in(client, request.getfixturevalue(persona))
    page = client.get(URL).content.decode()
    for child in (pupil, not_taught):
        assert child.last_name not in page and str(child.pk) not in page
    picker = page.split('id="child-picker"')[1].split("</fieldset>")[0]
    picker = picker.split("<template")[0] + picker.split("</template>")[-1]
    assert "<select" not in picker and 'name="add_child"' not in picker


def test_a_nurse_or_volunteer_searching_without_script_sees_nobody_elses_child(
    client, nurse, volunteer, pupil
):
    for person in (nurse, volunteer):
        sign_in(client, person)
        page = client.post(URL, blank_form(pupil, child_search="Maya", find="1")).content.decode()
        assert "Quinn" not in page and str(pupil.pk) not in page


# --- an empty concern is refused, with the right words, and nothing is lost ---------------------


def test_an_empty_concern_is_refused_with_a_message_for_each_question(client, teacher):
    sign_in(client, teacher)
    response = client.post(
        URL,
        {
            "idempotency_key": str(uuid.uuid4()),
            "students-TOTAL_FORMS": "0",
            "students-INITIAL_FORMS": "0",
            "marks-TOTAL_FORMS": "0",
            "marks-INITIAL_FORMS": "0",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert not Concern.objects.exists()
    assert 'id="error-summary"' in page and 'tabindex="-1"' in page
    for target, words in (
        ("id_child_search", "Choose the child this is about"),
        ("id_category", "Choose a category"),
        ("id_account", "Say what you saw or heard"),
        ("id_child_told_0", "Choose one answer about what the child was told"),
    ):
        assert f'<a href="#{target}">{words}' in page
    assert "This field is required." not in page


def test_the_childs_words_alone_do_not_stand_for_what_was_seen(client, teacher, pupil):
    """What the member of staff saw or heard is required; the child's words never are (P20)."""
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, account="", child_words="He hit me."))
    page = response.content.decode()
    assert "Say what you saw or heard" in page
    assert "He hit me." in page  # kept
    assert not Concern.objects.exists()


def test_a_refused_concern_keeps_everything_and_asks_for_files_again(client, teacher, pupil):
    sign_in(client, teacher)
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", content_type="application/pdf")
    data = form_data(
        pupil,
        category="",
        other_categories="neglect",
        actions_taken="Gave her a plaster.",
        private_follow_up="Spoke to her at lunch.",
        child_words="It was Dad.",
    )
    page = client.post(URL, {**data, "attachments": upload}).content.decode()
    for typed in (
        "My dad hit me with a belt.",
        "Gave her a plaster.",
        "Spoke to her at lunch.",
        "It was Dad.",
        "Reading corner",
        f'name="students-0-student" value="{pupil.pk}"',
    ):
        assert typed in page
    assert "choose your photos or documents again" in page
    # Sections folded away open where they hold answers, or where a file has to be chosen again.
    for section in ("other-categories", "follow-up", "done-already", "attachments-section"):
        assert f'id="{section}" open' in page


def test_an_error_in_a_folded_section_opens_it(client, teacher, pupil):
    sign_in(client, teacher)
    page = client.post(
        URL, form_data(pupil, **{"marks-0-region": "", "marks-0-note": "A red mark"})
    ).content.decode()
    assert 'id="body-map" open' in page
    assert '<a href="#id_marks-0-region">Choose where on the body this mark is.' in page


def test_optional_is_said_once_and_only_of_what_is_optional(client, teacher):
    sign_in(client, teacher)
    page = client.get(URL).content.decode()
    assert "(optional) (optional)" not in page
    assert "Child 1" not in page
    assert 'The child&#x27;s own words <span class="optional">(optional)</span>' in page
    assert 'What you saw or heard <span class="optional">' not in page


def test_the_folded_sections_start_closed(client, teacher):
    sign_in(client, teacher)
    page = client.get(URL).content.decode()
    for section in ("other-categories", "follow-up", "body-map", "done-already"):
        assert f'id="{section}">' in page


# --- from the child's page -----------------------------------------------------------------------


def test_the_childs_page_offers_to_log_a_concern_about_them(client, teacher, pupil):
    sign_in(client, teacher)
    page = client.get(f"/records/students/{pupil.pk}/").content.decode()
    assert f'href="/safeguarding/log/?child={pupil.pk}">Log a concern about this child' in page


def test_the_child_from_their_page_is_chosen_already(client, teacher, not_taught):
    sign_in(client, teacher)
    page = client.get(URL, {"child": str(not_taught.pk)}).content.decode()
    assert f'name="students-0-student" value="{not_taught.pk}"' in page
    assert "Zainab Okafor" in page


@pytest.mark.parametrize("child", ["not-an-id", "6f1c2a8e-0d4b-4a57-9a43-2f5d1c9e7b10", ""])
def test_a_child_that_is_not_one_is_ignored(client, teacher, pupil, child):
    sign_in(client, teacher)
    response = client.get(URL, {"child": child})
    assert response.status_code == 200
    assert 'name="students-0-student"' not in response.content.decode()


def test_a_child_the_person_may_not_choose_is_ignored(client, nurse, pupil, student_factory):
    own = student_factory(first_name="Noor", last_name="Hale")
    SupportAssignment.objects.create(
        staff=nurse, student=own, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    sign_in(client, nurse)
    page = client.get(URL, {"child": str(pupil.pk)}).content.decode()
    assert str(pupil.pk) not in page and "Quinn" not in page
    # Her own pupil's page leads to the form with that child chosen.
    assert (
        "Log a concern about this child"
        in client.get(f"/records/students/{own.pk}/").content.decode()
    )
    page = client.get(URL, {"child": str(own.pk)}).content.decode()
    assert f'name="students-0-student" value="{own.pk}"' in page


def test_a_volunteer_without_the_search_gets_no_child_from_a_link(client, volunteer, pupil):
    sign_in(client, volunteer)
    page = client.get(URL, {"child": str(pupil.pk)}).content.decode()
    assert str(pupil.pk) not in page and "Quinn" not in page


# --- after an urgent concern ---------------------------------------------------------------------


@pytest.fixture
def reachable_team(dsl, deputy):
    dsl.phone, dsl.room = "0161 496 0001", "Room 12, by the office"
    dsl.save()
    deputy.phone = "0161 496 0002"
    deputy.save()
    return dsl, deputy


def test_after_an_urgent_concern_the_teacher_is_told_to_find_the_dsl_now(
    client, teacher, pupil, reachable_team, settings
):
    settings.CHILDRENS_SERVICES_FRONT_DOOR = "Front door: 0161 496 0999 (24 hours)"
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, urgency="urgent"), follow=True)
    page = response.content.decode()
    assert "Now find the DSL or a deputy in person" in page
    assert "0161 496 0001" in page and "Room 12, by the office" in page
    assert "0161 496 0002" in page
    assert "call 999" in page
    assert "Front door: 0161 496 0999 (24 hours)" in page


def test_without_a_front_door_number_the_page_points_to_the_policy(
    client, teacher, pupil, reachable_team, settings
):
    settings.CHILDRENS_SERVICES_FRONT_DOOR = ""
    sign_in(client, teacher)
    page = client.post(URL, form_data(pupil, urgency="urgent"), follow=True).content.decode()
    assert "the number is in the school&#x27;s safeguarding policy" in page


def test_a_routine_concern_or_one_the_team_has_taken_up_says_nothing_of_it(
    client, teacher, pupil, reachable_team
):
    sign_in(client, teacher)
    page = client.post(URL, form_data(pupil), follow=True).content.decode()
    assert "Now find the DSL" not in page
    Concern.objects.all().delete()
    response = client.post(URL, form_data(pupil, urgency="urgent"))
    concern = Concern.objects.get()
    concern.acknowledge(by=reachable_team[0])
    assert "Now find the DSL" not in client.get(response["Location"]).content.decode()
