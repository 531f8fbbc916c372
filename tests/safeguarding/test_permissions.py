"""Who sees what (P3, P5): the team sees and acts on every concern (verified); the author follows
their own concern's status but never the DSL's work; nobody else learns it exists; one audit
entry per view."""

import pytest
from auditlog.models import LogEntry

from safeguarding.models import CaseNote, ConcernAttachment
from tests.conftest import sign_in

from .conftest import signed


def access_entries(concern):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(concern.pk))


@pytest.fixture
def concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil], account="She said he shouts at night.")


def team_urls(c):
    return [f"/safeguarding/concerns/{c.pk}/"]


POSTS = ["acknowledge", "triage", "notes", "actions", "referrals", "close", "reopen"]


# --- the team's concern page -----------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_everywhere(client, concern):
    for url in [
        "/safeguarding/",
        f"/safeguarding/concerns/{concern.pk}/",
        "/safeguarding/mine/",
        f"/safeguarding/mine/{concern.pk}/",
        "/safeguarding/alerts/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(
    "persona", ["teacher", "other_teacher", "head", "office", "nurse", "volunteer", "parent"]
)
def test_only_the_team_opens_a_concern(client, request, persona, concern):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=persona == "head")
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404
    for verb in POSTS:
        assert client.post(f"/safeguarding/concerns/{concern.pk}/{verb}/").status_code == 404
    assert not access_entries(concern).exists()


@pytest.mark.parametrize("persona", ["teacher", "head", "parent", "governor"])
def test_only_the_team_has_the_dashboard(client, request, persona, concern):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=persona == "head")
    assert client.get("/safeguarding/").status_code == 404


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_must_confirm_the_second_factor(client, request, persona, concern):
    sign_in(client, request.getfixturevalue(persona))
    for url in ["/safeguarding/", f"/safeguarding/concerns/{concern.pk}/"]:
        response = client.get(url)
        assert (
            response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
        )
    assert not access_entries(concern).exists()


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_reads_the_concern_and_each_view_is_audited_once(
    client, request, persona, concern
):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "She said he shouts at night." in page
    assert "Front: left arm: Round bruise, 3 cm" in page
    assert access_entries(concern).count() == 1
    client.get(f"/safeguarding/concerns/{concern.pk}/")
    assert access_entries(concern).count() == 2
    entry = access_entries(concern).first()
    assert entry.additional_data["subject"].startswith("records.student:")


def test_each_casework_post_is_audited_once(client, dsl, concern):
    sign_in(client, dsl, verified=True)
    client.post(f"/safeguarding/concerns/{concern.pk}/acknowledge/")
    client.post(f"/safeguarding/concerns/{concern.pk}/notes/", {"note-text": "Rang mum."})
    assert access_entries(concern).count() == 2


def test_a_head_teacher_on_the_team_reads_concerns(client, make_user, concern):
    from confidentiality import roles
    from confidentiality.roles import Role

    head_and_deputy = make_user("headdeputy", Role.HEAD_TEACHER)
    head_and_deputy.groups.add(roles.group_for(Role.DEPUTY_DSL))
    sign_in(client, head_and_deputy, verified=True)
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200


# --- the author ---------------------------------------------------------------------------


def test_the_author_sees_status_but_not_the_dsls_work(client, teacher, dsl, concern):
    concern.triage(dsl, level="early_help", level_reason="Family struggling after a move.")
    CaseNote(concern=concern, author=dsl, text="Mum was tearful on the phone.").save()
    concern.close(by=dsl, decision="early_help", rationale="Early help plan agreed with mum.")
    sign_in(client, teacher)
    page = client.get(f"/safeguarding/mine/{concern.pk}/").content.decode()
    assert "Closed" in page
    assert "She said he shouts at night." in page  # what they wrote themselves
    for secret in ("tearful", "Family struggling", "Early help plan", "Early help"):
        assert secret not in page
    assert access_entries(concern).count() == 1
    listing = client.get("/safeguarding/mine/").content.decode()
    assert concern.reference in listing and "tearful" not in listing


def test_a_teacher_cannot_open_a_concern_they_did_not_log(client, other_teacher, concern):
    sign_in(client, other_teacher)
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 404
    assert concern.reference not in client.get("/safeguarding/mine/").content.decode()
    assert not access_entries(concern).exists()


@pytest.mark.parametrize("persona", ["parent", "governor"])
def test_parents_and_governors_never_see_concerns(client, request, persona, concern):
    sign_in(client, signed(request.getfixturevalue(persona)))
    # A governor logs concerns (P16: every adult reports) and follows their own; never others'.
    mine = client.get("/safeguarding/mine/")
    assert mine.status_code == (404 if persona == "parent" else 200)
    assert concern.reference not in mine.content.decode()
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 404


def test_the_head_does_not_read_concerns(client, head, concern):
    sign_in(client, head, verified=True)
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 404
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404


# --- attachments and alerts ------------------------------------------------------------------


def test_attachments_download_for_the_team_only_and_are_audited(client, dsl, teacher, concern):
    attachment = ConcernAttachment(
        concern=concern,
        filename="drawing.pdf",
        content_type="application/pdf",
        size=8,
        content=b"%PDF-1.4",
    )
    attachment.save()
    url = f"/safeguarding/concerns/{concern.pk}/attachments/{attachment.pk}/"
    sign_in(client, teacher)
    assert client.get(url).status_code == 404
    sign_in(client, dsl, verified=True)
    response = client.get(url)
    assert response.status_code == 200 and response.getvalue() == b"%PDF-1.4"
    assert response["Content-Disposition"] == 'attachment; filename="drawing.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    downloads = access_entries(concern).filter(additional_data__how="download")
    assert downloads.count() == 1
    assert str(attachment.pk) in downloads.get().additional_data["path"]


def test_alerts_are_each_persons_own(client, dsl, deputy, teacher, concern):
    sign_in(client, dsl)
    page = client.get("/safeguarding/alerts/").content.decode()
    assert concern.reference in page
    alert = dsl.safeguarding_alerts.get()
    sign_in(client, deputy)
    assert client.post(f"/safeguarding/alerts/{alert.pk}/read/").status_code == 404
    sign_in(client, dsl)
    client.post(f"/safeguarding/alerts/{alert.pk}/read/")
    alert.refresh_from_db()
    assert alert.read_at is not None
    sign_in(client, teacher)
    assert concern.reference not in client.get("/safeguarding/alerts/").content.decode()


# --- the door: the same answer for every id --------------------------------------------------


def _object_pages(concern, child, advice, attachment_pk):
    return [
        f"/safeguarding/concerns/{concern}/",
        f"/safeguarding/concerns/{concern}/attachments/{attachment_pk}/",
        f"/safeguarding/children/{child}/chronology/",
        f"/safeguarding/children/{child}/chronology/print/",
        f"/safeguarding/children/{child}/chronology/pdf/",
        f"/safeguarding/advice/{advice}/",
    ]


@pytest.fixture
def real_and_unknown(concern, pupil, teacher):
    """The team's pages about real objects, and the same pages about ids that do not exist."""
    import uuid

    from safeguarding.models import AdviceRequest

    advice = AdviceRequest.objects.create(asked_by=teacher, question="Is this a worry?")
    attachment = ConcernAttachment(
        concern=concern, filename="a.pdf", content_type="application/pdf", size=8, content=b"%PDF"
    )
    attachment.save()
    real = _object_pages(concern.pk, pupil.pk, advice.pk, attachment.pk)
    unknown = _object_pages(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    return list(zip(real, unknown, strict=True))


@pytest.mark.parametrize("persona", ["teacher", "volunteer", "nurse", "parent"])
def test_outside_the_team_every_id_gets_the_same_404(client, request, persona, real_and_unknown):
    sign_in(client, signed(request.getfixturevalue(persona)))
    for real, unknown in real_and_unknown:
        assert client.get(real).status_code == client.get(unknown).status_code == 404, real


def test_an_unverified_dsl_is_sent_to_verify_before_any_object_is_looked_up(
    client, dsl, real_and_unknown
):
    sign_in(client, dsl)
    for real, unknown in real_and_unknown:
        for url in (real, unknown):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/two-factor/verify/"), url
