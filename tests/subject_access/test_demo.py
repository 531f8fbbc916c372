"""The demo school's requests: one ready to send with the social worker's name redacted and a
strategy discussion withheld, whose PDF holds neither; one not started, due within the week, on
the safeguarding team's dashboard."""

from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from confidentiality.models import User
from subject_access import pdf
from subject_access.case_file import items_of
from subject_access.models import SubjectAccessRequest
from tests.conftest import sign_in


def test_the_demo_has_a_ready_answer_and_a_request_near_its_deadline(client, demo_school):
    ready = SubjectAccessRequest.objects.get(status="ready")
    withheld = [i for i in items_of(ready) if not i.included]
    assert withheld and all(i.exemption == "serious_harm" for i in withheld)
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.render(ready))).pages).split()
    )
    assert "Priya Nair" not in text and "[redacted: agency]" in text
    assert all(i.redacted_heading not in text for i in withheld)

    waiting = SubjectAccessRequest.objects.get(status="received")
    sign_in(client, User.objects.get(username="dsl"), verified=True)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Subject-access deadlines" in page
    assert reverse("subject_access:request", kwargs={"pk": waiting.pk}) in page
