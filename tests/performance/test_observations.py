"""Lesson observations (P18): the named observer fills in their draft with the school's
criteria, saves it half done, and submits it only when complete; after that the observation is
the file's and the observer can no longer open it. Sheets are encrypted and served as
attachments."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from performance.models import CRITERIA, ObservationSheet, PerformanceDataEntry
from tests.conftest import sign_in

TODAY = timezone.localdate().isoformat()


def _url(observation):
    return reverse("performance:observation", kwargs={"pk": observation.pk})


def _complete(**extra):
    data = {"planned_for": TODAY, "lesson": "3 Oak, reading"}
    for code, _ in CRITERIA:
        data[f"{code}_rating"] = "secure"
        data[f"{code}_comment"] = f"Comment on {code}"
    data.update(strengths="Questioning", areas_to_develop="Pace of the plenary")
    data.update(extra)
    return data


def test_the_observer_sees_only_the_observation_not_the_file(
    client, observer, teacher_file, draft_observation
):
    PerformanceDataEntry(
        file=teacher_file,
        title="Year 3 reading",
        data="Reading results up by a tenth",
        added_by=teacher_file.opened_by,
    ).save()
    sign_in(client, observer)
    page = client.get(_url(draft_observation)).content.decode()
    assert "Planning and sequencing" in page and "Submit to the file" in page
    assert "Reading results up by a tenth" not in page and "Raise reading" not in page
    assert (
        client.get(reverse("performance:file", kwargs={"pk": teacher_file.pk})).status_code == 404
    )


def test_a_draft_saves_half_done_and_keeps_everything(client, observer, draft_observation):
    sign_in(client, observer)
    response = client.post(
        _url(draft_observation),
        {"planned_for": TODAY, "planning_rating": "strength", "strengths": "Lively start"},
    )
    assert response.status_code == 302
    draft_observation.refresh_from_db()
    assert draft_observation.ratings["planning"]["rating"] == "strength"
    assert draft_observation.strengths == "Lively start"
    assert draft_observation.is_draft


def test_submitting_an_incomplete_record_says_what_is_missing_and_loses_nothing(
    client, observer, draft_observation
):
    sign_in(client, observer)
    data = _complete(action="submit", send_rating="", strengths="A long thought " * 20)
    response = client.post(_url(draft_observation), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in page
    assert "Choose a rating for adaptation for pupils with send." in page
    assert "A long thought " * 20 in page
    draft_observation.refresh_from_db()
    assert draft_observation.is_draft


def test_once_submitted_the_observer_loses_access_and_the_teacher_gains_it(
    client, observer, teacher, draft_observation
):
    sign_in(client, observer)
    response = client.post(_url(draft_observation), _complete(action="submit"))
    assert response.status_code == 302
    draft_observation.refresh_from_db()
    assert not draft_observation.is_draft
    assert client.get(_url(draft_observation)).status_code == 404
    assert client.post(_url(draft_observation), _complete()).status_code == 404
    client.logout()
    sign_in(client, teacher)
    page = client.get(_url(draft_observation)).content.decode()
    assert "Comment on planning" in page and "Secure" in page


def test_a_sheet_is_stored_encrypted_and_downloaded_as_an_attachment(
    client, observer, head, draft_observation
):
    sign_in(client, observer)
    sheet = SimpleUploadedFile("sheet.pdf", b"%PDF-1.4 observation notes", "application/pdf")
    client.post(_url(draft_observation), {"planned_for": TODAY, "sheet": sheet})
    stored = ObservationSheet.objects.get()
    assert stored.content == b"%PDF-1.4 observation notes"
    client.logout()
    sign_in(client, head, verified=True)
    response = client.get(
        reverse(
            "performance:observation_sheet",
            kwargs={"pk": draft_observation.pk, "sheet_pk": stored.pk},
        )
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 observation notes"


@pytest.mark.parametrize("content", [b"<html>not a sheet</html>", b""])
def test_a_file_that_is_not_a_pdf_or_image_is_refused(client, observer, draft_observation, content):
    sign_in(client, observer)
    sheet = SimpleUploadedFile("sheet.pdf", content, "application/pdf")
    response = client.post(
        _url(draft_observation), {"planned_for": TODAY, "strengths": "Kept", "sheet": sheet}
    )
    assert response.status_code == 400
    assert "Kept" in response.content.decode()
    assert not ObservationSheet.objects.exists()


def test_the_head_names_an_observer_who_then_finds_the_draft(client, head, observer, teacher_file):
    sign_in(client, head, verified=True)
    client.post(
        reverse("performance:arrange_observation", kwargs={"pk": teacher_file.pk}),
        {"observer": observer.pk, "planned_for": TODAY, "lesson": "4 Elm maths"},
    )
    client.logout()
    sign_in(client, observer)
    page = client.get(reverse("performance:home")).content.decode()
    observation = teacher_file.observations.get()
    assert _url(observation) in page


def test_the_member_of_staff_cannot_observe_themselves(client, head, teacher, teacher_file):
    sign_in(client, head, verified=True)
    response = client.post(
        reverse("performance:arrange_observation", kwargs={"pk": teacher_file.pk}),
        {"observer": teacher.pk, "planned_for": TODAY},
    )
    assert response.status_code == 400
    assert not teacher_file.observations.exists()


def test_an_observation_a_reviewer_arranged_closes_with_their_delegation(
    client, head, line_manager, observer, delegation, teacher_file, draft_observation
):
    """A reviewer who named themselves (or anyone) observer keeps no way into the file once the
    delegation ends; what the holder arranged stays open to its observer until submitted."""
    from performance.models import Observation

    by_reviewer = Observation(
        file=teacher_file,
        observer=line_manager,
        named_by=line_manager,
        planned_for=timezone.localdate(),
        lesson="3 Oak, maths",
    )
    by_reviewer.save()
    sign_in(client, line_manager, verified=True)
    assert client.get(_url(by_reviewer)).status_code == 200
    delegation.ends_on = timezone.localdate() - timedelta(days=1)
    delegation.save()
    assert client.get(_url(by_reviewer)).status_code == 404
    assert client.post(_url(by_reviewer), _complete()).status_code == 404
    sign_in(client, observer)  # the head arranged this one: still theirs to complete
    assert client.get(_url(draft_observation)).status_code == 200
