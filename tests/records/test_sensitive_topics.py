"""Lessons on sensitive topics (P19): where a teacher records a lesson or pupils' work on a topic
on the school's list, the page shows the ground rules, the distancing techniques, the topic's
guidance and the reminder that a disclosure in class is a concern to log, with the link to log
one; an ordinary lesson shows none of it. Who records a class's lessons and who sees them; who
keeps the list of topics; a retired topic is not offered; the notes are sealed; a look at a
lesson is audited once."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from records.lesson_guidance import DISCLOSURE_REMINDER, SCHOOL_TOPICS, add_school_topics
from records.models import Lesson, SensitiveTopic, TeachingGroup, WorkItem
from tests.conftest import sign_in

from .conftest import access_entries, tiny_png

LOG_CONCERN = 'href="/safeguarding/log/"'
GROUND_RULE = "Everyone has the right to pass"
DISTANCING = "Use characters, stories and case studies about invented people"


@pytest.fixture(autouse=True)
def topics(db):
    """The school's list as the migration puts it in (again, if a transactional test emptied
    the table)."""
    add_school_topics(SensitiveTopic)
    return SensitiveTopic.objects.all()


@pytest.fixture
def bereavement(topics):
    return topics.get(name="Bereavement and loss")


def record_url(group):
    return f"/records/classes/{group.pk}/lessons/new/"


def lesson_data(topic=None, **fields):
    return {
        "taught_on": "2026-11-16",
        "subject": "pshe",
        "title": "Feelings when someone dies",
        "topic": topic.pk if topic else "",
        "notes": "Two pupils chose to pass.",
        **fields,
    }


def make_lesson(group, by, topic=None, **fields):
    return Lesson.objects.create(
        group=group,
        taught_on=date(2026, 11, 16),
        subject="pshe",
        title=fields.pop("title", "Feelings when someone dies"),
        topic=topic,
        notes=fields.pop("notes", "Ravi asked about his grandad."),
        recorded_by=by,
    )


# --- the starting list ---------------------------------------------------------------------------


def test_the_migration_puts_in_the_schools_starting_list_each_with_its_guidance():
    names = set(SensitiveTopic.objects.offered().values_list("name", flat=True))
    assert {name for name, _ in SCHOOL_TOPICS} <= names
    assert len(SCHOOL_TOPICS) == 10
    assert all(len(guidance) > 100 for _, guidance in SCHOOL_TOPICS)
    assert add_school_topics(SensitiveTopic) == 0  # already there: nothing added twice


# --- the guidance: a sensitive topic, and an ordinary lesson ------------------------------------


def test_a_teacher_records_a_lesson_on_a_sensitive_topic_and_sees_the_guidance(
    client, teacher, oak, bereavement
):
    sign_in(client, teacher)
    response = client.post(record_url(oak), lesson_data(bereavement), follow=True)
    lesson = Lesson.objects.get()
    assert response.redirect_chain[-1][0] == f"/records/lessons/{lesson.pk}/"
    assert (lesson.group, lesson.topic, lesson.recorded_by) == (oak, bereavement, teacher)
    page = response.content.decode()
    assert "Lesson recorded for 3 Oak." in page
    assert "Bereavement and loss: the school's guidance" in page
    assert "Use clear words (“died”, “dead”)" in page
    assert GROUND_RULE in page and DISTANCING in page
    assert DISCLOSURE_REMINDER in page
    assert LOG_CONCERN in page


def test_an_ordinary_lesson_shows_no_guidance(client, teacher, oak):
    sign_in(client, teacher)
    response = client.post(
        record_url(oak), lesson_data(title="Habitats", subject="science"), follow=True
    )
    assert Lesson.objects.get().topic is None
    page = response.content.decode()
    assert "Habitats" in page
    assert "Teaching a sensitive topic" not in page
    assert GROUND_RULE not in page and DISCLOSURE_REMINDER not in page


def test_the_form_holds_the_guidance_hidden_until_a_topic_is_picked(
    client, teacher, oak, bereavement
):
    page = sign_in(client, teacher).get(record_url(oak)).content.decode()
    assert '<section class="panel sensitive-topic" id="sensitive-topic"' in page
    assert 'aria-labelledby="sensitive-topic-heading" hidden>' in page
    assert f'data-topic="{bereavement.pk}" hidden' in page
    assert "records/sensitive-topic.js" in page


def test_a_lesson_sent_back_keeps_what_was_typed_and_shows_the_topics_guidance(
    client, teacher, oak, bereavement
):
    sign_in(client, teacher)
    response = client.post(record_url(oak), lesson_data(bereavement, title=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Two pupils chose to pass." in page
    assert f'data-topic="{bereavement.pk}">' in page  # the topic picked: shown
    assert 'aria-labelledby="sensitive-topic-heading">' in page
    assert not Lesson.objects.exists()


def test_the_work_upload_offers_a_topic_and_confirms_with_the_guidance(
    client, teacher, oak, pupil, bereavement
):
    sign_in(client, teacher)
    form = client.get(f"/records/students/{pupil.pk}/work/new/").content.decode()
    assert 'name="topic"' in form and 'id="sensitive-topic"' in form
    upload = SimpleUploadedFile("Maya memory box.png", tiny_png(), content_type="image/png")
    response = client.post(
        f"/records/students/{pupil.pk}/work/new/",
        {"title": "Memory box", "subject": "art", "file": upload, "topic": bereavement.pk},
        follow=True,
    )
    assert WorkItem.objects.filter(student=pupil, title="Memory box").exists()
    assert response.redirect_chain[-1][0] == (
        f"/records/students/{pupil.pk}/work/uploaded/?topic={bereavement.pk}"
    )
    page = response.content.decode()
    assert "Work uploaded for" in page and "Bereavement and loss: the school" in page
    assert DISCLOSURE_REMINDER in page and LOG_CONCERN in page


def test_work_on_no_sensitive_topic_goes_back_to_the_childs_record(client, teacher, oak, pupil):
    sign_in(client, teacher)
    upload = SimpleUploadedFile("volcano.png", tiny_png(), content_type="image/png")
    response = client.post(
        f"/records/students/{pupil.pk}/work/new/",
        {"title": "Volcano", "subject": "science", "file": upload, "topic": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/records/students/{pupil.pk}/#work"


# --- who records a class's lessons, and who sees them ------------------------------------------


def test_the_teacher_of_the_class_may_record_a_lesson_and_the_page_says_so(client, teacher, oak):
    sign_in(client, teacher)
    class_page = client.get(f"/records/classes/{oak.pk}/").content.decode()
    assert f'href="{record_url(oak)}"' in class_page
    assert client.get(record_url(oak)).status_code == 200
    assert access_entries(oak).filter(actor=teacher).count() == 2  # the class, then the form


def test_another_classs_teacher_gets_404_and_nothing_is_recorded(
    client, other_teacher, teacher, oak, bereavement
):
    elm = TeachingGroup.objects.create(name="4 Elm", year_group=4)
    elm.staff.add(other_teacher)
    lesson = make_lesson(oak, teacher, bereavement)
    sign_in(client, other_teacher)
    assert client.get(record_url(oak)).status_code == 404
    assert client.post(record_url(oak), lesson_data(bereavement)).status_code == 404
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 404
    assert client.get(record_url(elm)).status_code == 200
    assert Lesson.objects.count() == 1
    assert not access_entries(oak).exists() and not access_entries(lesson).exists()


@pytest.mark.parametrize("persona", ["parent", "volunteer", "governor", "nurse"])
def test_no_one_outside_the_staff_records_or_sees_a_lesson(
    client, request, persona, teacher, oak, bereavement
):
    user = request.getfixturevalue(persona)
    oak.staff.add(user)  # even placed in the class
    lesson = make_lesson(oak, teacher, bereavement)
    sign_in(client, user)
    assert client.get(record_url(oak)).status_code == 404
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 404


def test_the_office_opens_the_class_but_neither_sees_nor_records_its_lessons(
    client, office, teacher, oak, bereavement
):
    lesson = make_lesson(oak, teacher, bereavement, title="Feelings and loss")
    sign_in(client, office)
    class_page = client.get(f"/records/classes/{oak.pk}/").content.decode()
    assert "Feelings and loss" not in class_page and "Record a lesson" not in class_page
    assert client.get(record_url(oak)).status_code == 404
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 404
    oak.staff.add(office)  # placed in the class by an import: still not one who teaches it
    assert client.get(record_url(oak)).status_code == 404


@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
def test_the_safeguarding_team_and_the_head_record_and_see_any_classs_lessons(
    client, request, persona, teacher, oak, bereavement
):
    user = request.getfixturevalue(persona)
    lesson = make_lesson(oak, teacher, bereavement, title="Feelings and loss")
    assert sign_in(client, user).get(record_url(oak)).status_code == 302  # second factor first
    sign_in(client, user, verified=True)
    assert "Feelings and loss" in client.get(f"/records/classes/{oak.pk}/").content.decode()
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 200
    response = client.post(record_url(oak), lesson_data(title="Grief and memories"))
    assert response.status_code == 302
    assert Lesson.objects.get(title="Grief and memories").recorded_by == user


def test_a_teacher_who_leaves_the_class_no_longer_sees_its_lessons(client, teacher, oak):
    lesson = make_lesson(oak, teacher)
    sign_in(client, teacher)
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 200
    oak.staff.remove(teacher)
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 404


def test_the_teaching_assistant_of_the_class_sees_its_lessons(client, ta, teacher, oak):
    lesson = make_lesson(oak, teacher, title="Feelings and loss")
    oak.staff.add(ta)
    sign_in(client, ta)
    assert "Feelings and loss" in client.get(f"/records/classes/{oak.pk}/").content.decode()
    assert client.get(f"/records/lessons/{lesson.pk}/").status_code == 200


def test_anonymous_is_sent_to_sign_in(client, teacher, oak):
    lesson = make_lesson(oak, teacher)
    for url in (record_url(oak), f"/records/lessons/{lesson.pk}/", "/records/sensitive-topics/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the school's list of topics -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["head", "dsl", "deputy"])
def test_the_head_and_the_safeguarding_team_keep_the_list(client, request, persona):
    user = request.getfixturevalue(persona)
    assert sign_in(client, user).get("/records/sensitive-topics/").status_code == 302  # 2FA
    sign_in(client, user, verified=True)
    page = client.get("/records/sensitive-topics/").content.decode()
    assert "Self-harm and suicide" in page
    response = client.post(
        "/records/sensitive-topics/new/",
        {"name": "Gambling", "guidance": "Focus on risk and where to get help."},
    )
    assert response.status_code == 302
    topic = SensitiveTopic.objects.get(name="Gambling")
    assert topic.active
    client.post(
        f"/records/sensitive-topics/{topic.pk}/edit/",
        {"name": "Gambling and gaming", "guidance": "Loot boxes too."},
    )
    topic.refresh_from_db()
    assert (topic.name, topic.guidance) == ("Gambling and gaming", "Loot boxes too.")


@pytest.mark.parametrize("persona", ["teacher", "office", "governor", "ta", "parent"])
def test_no_one_else_keeps_the_list(client, request, persona, topics):
    user = request.getfixturevalue(persona)
    topic = topics.get(name="Mental health")
    sign_in(client, user, verified=True)
    assert client.get("/records/sensitive-topics/").status_code == 404
    assert client.get("/records/sensitive-topics/new/").status_code == 404
    assert client.get(f"/records/sensitive-topics/{topic.pk}/edit/").status_code == 404
    response = client.post(f"/records/sensitive-topics/{topic.pk}/offered/", {"offer": "no"})
    assert response.status_code == 404
    assert (
        client.post("/records/sensitive-topics/new/", {"name": "X", "guidance": "Y"}).status_code
        == 404
    )
    topic.refresh_from_db()
    assert topic.active and not SensitiveTopic.objects.filter(name="X").exists()


def test_the_menu_shows_the_list_to_those_who_keep_it_only(client, head, teacher):
    link = 'href="/records/sensitive-topics/"'
    assert link in sign_in(client, head, verified=True).get("/").content.decode()
    assert link not in sign_in(client, teacher).get("/").content.decode()


def test_a_topic_named_twice_is_refused_with_a_clear_message_and_nothing_lost(client, dsl):
    sign_in(client, dsl, verified=True)
    response = client.post(
        "/records/sensitive-topics/new/",
        {"name": "Mental health", "guidance": "My careful words."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "That topic is on the list already: edit it instead." in page
    assert "My careful words." in page


def test_a_retired_topic_is_not_offered_and_a_lesson_on_it_keeps_it(
    client, dsl, teacher, oak, pupil, topics
):
    drugs = topics.get(name="Drugs, alcohol and tobacco")
    earlier = make_lesson(oak, teacher, drugs)
    sign_in(client, dsl, verified=True)
    client.post(f"/records/sensitive-topics/{drugs.pk}/offered/", {"offer": "no"})
    drugs.refresh_from_db()
    assert not drugs.active
    assert "Retired" in client.get("/records/sensitive-topics/").content.decode()

    sign_in(client, teacher)
    for form_url in (record_url(oak), f"/records/students/{pupil.pk}/work/new/"):
        form = client.get(form_url).content.decode()
        assert f'<option value="{drugs.pk}"' not in form
        assert "Mental health</option>" in form
    response = client.post(record_url(oak), lesson_data(drugs))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # The lesson already recorded keeps its topic and its guidance.
    page = client.get(f"/records/lessons/{earlier.pk}/").content.decode()
    assert "Drugs, alcohol and tobacco: the school" in page
    assert "since retired from the school" in page

    sign_in(client, dsl, verified=True)
    client.post(f"/records/sensitive-topics/{drugs.pk}/offered/", {"offer": "yes"})
    drugs.refresh_from_db()
    assert drugs.active


# --- sealed notes, and the look audited ---------------------------------------------------------


def test_the_lesson_notes_are_sealed_in_the_database(teacher, oak, bereavement):
    lesson = make_lesson(oak, teacher, bereavement, notes="Ravi cried about his grandad.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM records_lesson WHERE id = %s", [lesson.pk.hex])
        rows = cursor.fetchall()
        if not rows:  # PostgreSQL keeps the UUID as a UUID
            cursor.execute("SELECT notes FROM records_lesson WHERE id = %s", [lesson.pk])
            rows = cursor.fetchall()
    raw = rows[0][0]
    assert raw and "Ravi" not in raw and "grandad" not in raw
    assert Lesson.objects.get(pk=lesson.pk).notes == "Ravi cried about his grandad."


def test_a_look_at_a_lesson_writes_one_access_entry_filed_under_the_class(
    client, teacher, oak, bereavement
):
    lesson = make_lesson(oak, teacher, bereavement)
    sign_in(client, teacher)
    response = client.get(f"/records/lessons/{lesson.pk}/")
    assert response.status_code == 200
    assert "Ravi asked about his grandad." in response.content.decode()
    entries = access_entries(lesson)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == teacher and entry.additional_data["how"] == "view"
    assert entry.additional_data["subject"] == f"records.teachinggroup:{oak.pk}"
