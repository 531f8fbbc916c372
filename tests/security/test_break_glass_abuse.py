"""Break-glass that cannot be abused (second review): a real reason of bounded length, one
grant per person and child that asking again never extends, a daily limit, the DSL able to end
a grant, a grant that opens one child and never their class; and the searches that lead to it
robust and audited."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from confidentiality.models import BreakGlassAccess
from confidentiality.models.break_glass import BREAK_GLASS_PER_DAY, clean_reason
from records.models import TeachingGroup
from tests.conftest import sign_in

REASON = "Maya collapsed in PE and I need her allergies and emergency steps now."


def glass_url(student):
    return f"/records/students/{student.pk}/emergency-access/"


def record_url(student):
    return f"/records/students/{student.pk}/"


def entries(how):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__how=how)


# --- the reason -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "\u200b" * 40,  # zero-width spaces only
        "\u200b\u200c\u200d\u2060\ufeff" * 10 + "need it",
        "x" * 40,
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaaaaaa",
        "help help help help help help",
        "12345678901234567890 12345",
    ],
)
def test_a_reason_that_is_not_a_sentence_is_refused_and_kept(client, other_teacher, pupil, reason):
    sign_in(client, other_teacher)
    response = client.post(glass_url(pupil), {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Say in a sentence, in words, why you need this record now" in page
    assert not BreakGlassAccess.objects.exists()
    assert client.get(record_url(pupil)).status_code == 404


def test_a_reason_over_a_thousand_characters_is_refused_with_what_was_typed_kept(
    client, other_teacher, pupil
):
    sign_in(client, other_teacher)
    long = ("Maya is unwell and I need her record. " * 60)[:2000]
    response = client.post(glass_url(pupil), {"reason": long})
    page = response.content.decode()
    assert response.status_code == 400
    assert "keep the reason to 1,000 characters or fewer" in page
    assert long.strip() in page  # nothing typed is lost
    assert not BreakGlassAccess.objects.exists()


def test_a_two_million_character_reason_is_refused(client, other_teacher, pupil):
    sign_in(client, other_teacher)
    response = client.post(glass_url(pupil), {"reason": "word " * 400_000})
    assert response.status_code in {200, 400, 413}
    assert not BreakGlassAccess.objects.exists()


def test_invisible_and_direction_characters_are_removed_before_the_reason_is_kept(
    client, other_teacher, pupil
):
    sign_in(client, other_teacher)
    typed = "\u202eMaya coll\u200bapsed in PE\u202c; I need her allergies\u2066 now\u2069."
    assert client.post(glass_url(pupil), {"reason": typed}).status_code == 302
    kept = BreakGlassAccess.objects.get().reason
    assert kept == "Maya collapsed in PE; I need her allergies now."
    entry = entries("break-glass").get()
    # The audit entry points at the grant; the reason itself is kept encrypted with it.
    assert entry.additional_data["grant"] == BreakGlassAccess.objects.get().pk
    assert "reason" not in entry.additional_data


def test_clean_reason_keeps_line_breaks_and_other_languages():
    text = "Llamada urgente: María se desmayó.\nNecesito sus alergias ahora."
    assert clean_reason(text) == text


# --- one grant at a time, and a limit per day -----------------------------------------------


def test_asking_again_shows_the_running_grant_and_never_extends_it(
    client, other_teacher, pupil, mailoutbox
):
    sign_in(client, other_teacher)
    client.post(glass_url(pupil), {"reason": REASON})
    grant = BreakGlassAccess.objects.get()
    alerts = len(mailoutbox)
    for response in (
        client.get(glass_url(pupil)),
        client.post(glass_url(pupil), {"reason": "Another reason: she fell over again at lunch."}),
    ):
        page = response.content.decode()
        assert response.status_code == 200
        assert "You already have emergency access to this record until" in page
        assert timezone.localtime(grant.expires_at).strftime("%H:%M") in page
    assert BreakGlassAccess.objects.count() == 1
    assert BreakGlassAccess.objects.get().expires_at == grant.expires_at
    assert entries("break-glass").count() == 1
    assert len(mailoutbox) == alerts


def test_after_the_grant_ends_a_new_one_needs_a_new_reason(client, other_teacher, pupil):
    sign_in(client, other_teacher)
    client.post(glass_url(pupil), {"reason": REASON})
    BreakGlassAccess.objects.update(
        granted_at=timezone.now() - timedelta(minutes=61),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert client.get(record_url(pupil)).status_code == 404
    page = client.get(glass_url(pupil)).content.decode()
    assert "Why do you need this record now?" in page
    assert client.post(glass_url(pupil), {"reason": REASON}).status_code == 302
    assert BreakGlassAccess.objects.count() == 2


def test_no_more_than_the_daily_limit_of_emergency_openings(client, other_teacher, student_factory):
    sign_in(client, other_teacher)
    children = [student_factory() for _ in range(BREAK_GLASS_PER_DAY + 1)]
    for child in children[:-1]:
        assert client.post(glass_url(child), {"reason": REASON}).status_code == 302
    response = client.post(glass_url(children[-1]), {"reason": REASON})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"You have already opened {BREAK_GLASS_PER_DAY} records in an emergency today" in page
    assert REASON in page  # kept
    assert BreakGlassAccess.objects.count() == BREAK_GLASS_PER_DAY


# --- the DSL ends a grant ---------------------------------------------------------------------


LIST = "/records/emergency-access/"


def _take(client, person, student):
    sign_in(client, person)
    client.post(glass_url(student), {"reason": REASON})
    return BreakGlassAccess.objects.get(user=person)


def test_the_dsl_sees_running_grants_and_ends_one_at_once(client, other_teacher, dsl, pupil):
    grant = _take(client, other_teacher, pupil)
    sign_in(client, dsl, verified=True)
    page = client.get(LIST).content.decode()
    assert "Other_Teacher Tester" in page and str(pupil) in page and REASON in page
    assert entries("emergency access list").count() == 1
    response = client.post(f"{LIST}{grant.pk}/end/")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert not grant.is_active
    ended = entries("break-glass ended").get()
    assert ended.actor == dsl and ended.object_pk == str(pupil.pk)
    assert "Nobody is using emergency access now." in client.get(LIST).content.decode()
    # The holder loses the record at their next page, and cannot simply take it again today.
    sign_in(client, other_teacher)
    assert client.get(record_url(pupil)).status_code == 404
    response = client.post(glass_url(pupil), {"reason": REASON})
    assert "The safeguarding team ended your emergency access" in response.content.decode()
    assert BreakGlassAccess.objects.active().count() == 0


def test_the_list_and_the_end_button_ladder(
    client, other_teacher, teacher, head, office, deputy, dsl, pupil
):
    grant = _take(client, other_teacher, pupil)
    client.logout()
    assert "/accounts/login/" in client.get(LIST)["Location"]
    for person in (other_teacher, teacher, office):
        sign_in(client, person)
        assert client.get(LIST).status_code == 404
        assert client.post(f"{LIST}{grant.pk}/end/").status_code == 404
    sign_in(client, head, verified=True)
    assert client.get(LIST).status_code == 404
    assert client.post(f"{LIST}{grant.pk}/end/").status_code == 404
    sign_in(client, dsl)  # not verified: sent to verify first
    assert client.get(LIST).status_code == 302
    assert client.post(f"{LIST}{grant.pk}/end/").status_code == 302
    assert BreakGlassAccess.objects.get().is_active
    sign_in(client, deputy, verified=True)
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}{grant.pk}/end/").status_code == 405


# --- one child, never their class -------------------------------------------------------------


def test_a_grant_on_one_child_opens_neither_their_class_nor_its_photograph_page(
    client, make_user, other_teacher, student_factory
):
    elm = TeachingGroup.objects.create(name="4 Elm", year_group=4)
    elm.staff.add(make_user("elm_teacher", "teacher"))
    child = student_factory(group=elm)
    student_factory(group=elm)  # a classmate nobody has consent for
    _take(client, other_teacher, child)
    assert client.get(record_url(child)).status_code == 200
    assert client.get(f"/records/classes/{elm.pk}/").status_code == 404
    response = client.get(f"/records/classes/{elm.pk}/photographs/")
    assert response.status_code == 404
    assert b"has consent" not in response.content


# --- the audit page ---------------------------------------------------------------------------


def test_the_audit_page_shows_a_long_reason_shortened(client, rf, dsl, pupil):
    from confidentiality.audit import record_access

    http = rf.get("/")
    http.user = dsl
    record_access(http, pupil, how="break-glass", reason="An old reason. " * 1000)
    sign_in(client, dsl, verified=True)
    page = client.get("/audit/").content.decode()
    assert "An old reason." in page
    assert page.count("An old reason.") < 30


# --- the searches that lead there -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/records/students/", "/records/students/find/"])
@pytest.mark.parametrize("query", ["\x00", "Ma\x00ya", "%00", "\u200b\x00"])
def test_a_nul_in_the_search_is_never_a_server_error(client, teacher, pupil, path, query):
    sign_in(client, teacher)
    assert client.get(path, {"q": query}).status_code in {200, 400}


def test_each_look_at_the_student_list_is_audited_once(client, teacher, pupil):
    sign_in(client, teacher)
    client.get("/records/students/", {"q": "Maya"})
    client.get("/records/students/")
    looks = entries("student list").filter(actor=teacher)
    assert looks.count() == 2
    assert {e.additional_data.get("reason", "") for e in looks} == {"", "searched for “Maya”"}


def test_each_emergency_search_is_audited_once_with_what_was_searched(client, other_teacher, pupil):
    sign_in(client, other_teacher)
    page = client.get("/records/students/find/", {"q": "Quinn"}).content.decode()
    assert "Maya Quinn" in page
    (look,) = entries("emergency search")
    assert look.actor == other_teacher
    assert look.additional_data["reason"] == "searched for “Quinn”"


def test_a_copy_of_the_database_does_not_show_the_reason(client, other_teacher, pupil, dsl):
    """A reason often says what happened to the child: encrypted, and out of the audit log."""
    from django.db import connection

    reason = "Maya told me her stepfather hits her; I need her contacts now."
    sign_in(client, other_teacher)
    assert client.post(glass_url(pupil), {"reason": reason}).status_code == 302
    with connection.cursor() as cursor:
        dumped = []
        for table in ("confidentiality_breakglassaccess", "confidentiality_breakglassreason"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            dumped.append(repr(cursor.fetchall()))
        cursor.execute("SELECT additional_data FROM auditlog_logentry")
        dumped.append(repr(cursor.fetchall()))
    assert "stepfather" not in "".join(dumped)
    # The DSL still reads it, in the audit trail and on the emergency-access list.
    sign_in(client, dsl, verified=True)
    assert "stepfather" in client.get("/audit/").content.decode()
    assert "stepfather" in client.get("/records/emergency-access/").content.decode()
