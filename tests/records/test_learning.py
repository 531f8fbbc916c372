"""A child's learning on the student page: who may see and add grades, progress notes and work;
uploads checked by content and size; files stored encrypted and served only through the audited
download (P6, P12, P13)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from records.models import Grade, ProgressNote, WorkItem
from records.models.academic import MAX_WORK_FILE_BYTES
from tests.conftest import sign_in

from .conftest import TINY_PDF, access_entries, has_signed, tiny_png


def student_url(student):
    return f"/records/students/{student.pk}/"


# --- the student page -----------------------------------------------------------------------------


def test_the_class_teacher_sees_grades_progress_and_work_on_the_student_page(
    client, teacher, child, learning
):
    grade, note, work = learning
    page = sign_in(client, teacher).get(student_url(child)).content.decode()
    assert "27/30 for Ravi" in page and "Ravi reads fluently." in page
    assert f"/records/work/{work.pk}/download/" in page
    assert "Add a grade" in page and "Upload work" in page
    assert access_entries(child).count() == 1


def test_the_office_sees_no_grades_and_may_not_add_them(client, office, child, learning):
    # M4: the office runs admissions and the census; grades are not theirs to read.
    page = sign_in(client, office).get(student_url(child)).content.decode()
    assert "27/30 for Ravi" not in page and "Ravi reads fluently." not in page
    assert "Add a grade" not in page
    assert sign_in(client, office).get(f"/records/students/{child.pk}/grades/new/").status_code == (
        404
    )


def test_a_nurse_sees_no_learning(client, nurse, child, learning):
    from records.models import SupportAssignment

    SupportAssignment.objects.create(
        staff=nurse, student=child, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    sign_in(client, has_signed(nurse))
    page = client.get(student_url(child)).content.decode()
    assert "27/30" not in page and "Learning" not in page
    assert client.get(f"/records/work/{learning[2].pk}/download/").status_code == 404


# --- adding grades and notes ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["grades/new/", "progress/new/", "work/new/"])
def test_the_add_pages_ladder(client, teacher, other_teacher, parent, child, path):
    url = f"/records/students/{child.pk}/{path}"
    assert client.get(url).status_code == 302
    assert sign_in(client, other_teacher).get(url).status_code == 404
    assert sign_in(client, parent).get(url).status_code == 404
    assert not access_entries().exists()
    assert sign_in(client, teacher).get(url).status_code == 200
    assert access_entries(child).count() == 1


def test_a_teacher_adds_a_grade_stored_encrypted(client, teacher, child):
    response = sign_in(client, teacher).post(
        f"/records/students/{child.pk}/grades/new/",
        {
            "subject": "maths",
            "assessment": "Spring test",
            "result": "Greater depth",
            "term": "spring",
            "assessed_on": "2027-03-01",
            "comment": "Excellent reasoning",
        },
    )
    assert response.status_code == 302
    grade = Grade.objects.get(student=child)
    assert grade.result == "Greater depth" and grade.recorded_by == teacher
    with connection.cursor() as cursor:
        cursor.execute("SELECT result, comment FROM records_grade")
        stored = cursor.fetchone()
    assert "Greater depth" not in stored[0] and "Excellent" not in stored[1]


def test_a_grade_form_with_errors_keeps_what_was_typed(client, teacher, child):
    response = sign_in(client, teacher).post(
        f"/records/students/{child.pk}/grades/new/",
        {"subject": "maths", "assessment": "Spring test", "term": "spring", "result": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Spring test"' in page
    assert "Enter the result" in page
    assert not Grade.objects.exists()


def test_a_teacher_adds_a_progress_note(client, teacher, child):
    sign_in(client, teacher).post(
        f"/records/students/{child.pk}/progress/new/",
        {"subject": "english", "written_on": "2027-03-02", "text": "Loves poetry."},
    )
    assert ProgressNote.objects.get(student=child).text == "Loves poetry."


# --- uploads --------------------------------------------------------------------------------------


def upload(client, student, data, name="page.png", title="My drawing"):
    return client.post(
        f"/records/students/{student.pk}/work/new/",
        {"title": title, "subject": "art", "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("data", "kind"), [(tiny_png(), "image/png"), (TINY_PDF, "application/pdf")]
)
def test_a_teacher_uploads_work_stored_only_as_ciphertext(client, teacher, child, data, kind):
    response = upload(sign_in(client, teacher), child, data)
    assert response.status_code == 302
    item = WorkItem.objects.get(student=child)
    assert item.content_type == kind and item.size == len(data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM records_workitem")
        (stored,) = cursor.fetchone()
    assert data[:4].decode("latin-1") not in stored
    assert bytes(WorkItem.objects.get(pk=item.pk).content) == data


def test_the_type_is_judged_by_content_not_by_name(client, teacher, child):
    response = upload(sign_in(client, teacher), child, b"<html><script>alert(1)</script>", "x.png")
    page = response.content.decode()
    assert response.status_code == 400
    assert "not a PDF, JPEG or PNG" in page
    assert 'value="My drawing"' in page  # what was typed is kept
    assert not WorkItem.objects.exists()


def test_a_jpeg_is_accepted(client, teacher, child):
    upload(sign_in(client, teacher), child, b"\xff\xd8\xff\xe0" + b"\x00" * 64, "photo.jpg")
    assert WorkItem.objects.get().content_type == "image/jpeg"


def test_files_over_ten_megabytes_are_refused(client, teacher, child):
    big = b"%PDF-" + b"0" * MAX_WORK_FILE_BYTES
    response = upload(sign_in(client, teacher), child, big, "big.pdf")
    assert response.status_code == 400
    assert "the largest allowed is 10 MB" in response.content.decode()
    assert not WorkItem.objects.exists()


def test_an_empty_file_is_refused(client, teacher, child):
    response = upload(sign_in(client, teacher), child, b"", "empty.pdf")
    assert response.status_code == 400
    assert not WorkItem.objects.exists()


# --- the staff download ---------------------------------------------------------------------------


def test_the_download_ladder_and_one_audit_entry(
    client, teacher, other_teacher, parent, child, learning
):
    work = learning[2]
    url = f"/records/work/{work.pk}/download/"
    assert client.get(url).status_code == 302
    assert sign_in(client, other_teacher).get(url).status_code == 404
    assert sign_in(client, parent).get(url).status_code == 404  # parents use the portal
    assert not access_entries(work).exists()
    response = sign_in(client, teacher).get(url)
    assert response.status_code == 200
    assert response.getvalue() == tiny_png()
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert access_entries(work, how="download").count() == 1


def test_the_safeguarding_team_may_download_after_the_second_factor(client, dsl, child, learning):
    work = learning[2]
    url = f"/records/work/{work.pk}/download/"
    response = sign_in(client, dsl).get(url)
    assert response.status_code == 302 and "two-factor" in response["Location"]
    assert sign_in(client, dsl, verified=True).get(url).status_code == 200


def test_lists_never_load_the_files(child, learning):
    item = WorkItem.objects.without_content().get(pk=learning[2].pk)
    assert "content" in item.get_deferred_fields()


def test_work_files_are_resealed_by_key_rotation(settings, learning):
    from confidentiality.crypto.keyring import new_key_entry
    from confidentiality.crypto.rotation import rotate_model

    work = learning[2]
    settings.FIELD_ENCRYPTION_KEYS = f"{new_key_entry('k9')},{settings.FIELD_ENCRYPTION_KEYS}"
    field = WorkItem._meta.get_field("content")
    assert rotate_model(WorkItem, [field])["rotated"] == 1
    stored = WorkItem.objects.values_list("content", flat=True).get(pk=work.pk)
    assert stored.key_id == "k9"
    assert bytes(WorkItem.objects.get(pk=work.pk).content) == tiny_png()


def test_the_student_page_queries_do_not_grow_with_the_record(client, teacher, pupil):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from records.models import Grade

    sign_in(client, teacher)
    url = f"/records/students/{pupil.pk}/"
    client.get(url)  # the first request of a session does more (session, caches)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(25):
        Grade(
            student=pupil,
            subject="maths",
            assessment=f"Test {n}",
            result="Expected",
            term="autumn",
            assessed_on=date(2026, 10, 1),
            recorded_by=teacher,
        ).save()
    assert queries() == few
