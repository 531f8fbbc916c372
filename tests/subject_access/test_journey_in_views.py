"""The DSL's whole work on a request through the pages: log it, gather the child's file, redact
words, withhold an item, preview, mark it ready and export; each page and step audited."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from subject_access import deadlines
from subject_access.case_file import items_of
from subject_access.models import SubjectAccessRequest
from tests.conftest import sign_in
from tests.subject_access.conftest import OTHER_CHILD, STAFF_NAME


def _accesses(how=None):
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    return [e for e in entries if how is None or (e.additional_data or {}).get("how") == how]


def test_the_dsl_logs_a_request_and_its_deadline_is_a_month_on(client, school, dsl):
    sign_in(client, dsl, verified=True)
    today = timezone.localdate()
    response = client.post(
        reverse("subject_access:log"),
        {
            "student": school.pk,
            "relation": "child",
            "requester_name": "Maya Quinn",
            "received_on": today.isoformat(),
            "what_was_asked": "What you have written about me.",
            "identity_checked": "yes",
            "identity_how": "Known to her class teacher.",
            "handled_by": dsl.pk,
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subject_access:request", kwargs={"pk": sar.pk})
    assert sar.relation == "child" and sar.logged_by == dsl and sar.status == "received"
    # A calendar month on, moved past a weekend or bank holiday (1 Dec: 4 Jan, past New Year).
    assert sar.due_on == deadlines.due_on(today)
    assert sar.due_on > today and (sar.due_on - today).days <= 36
    assert len(_accesses("log")) == 1
    page = client.get(response["Location"])
    assert b"Maya Quinn" in page.content and b"Known to her class teacher." in page.content


def test_a_bad_request_form_says_what_is_wrong_and_keeps_what_was_typed(client, school, dsl):
    sign_in(client, dsl, verified=True)
    tomorrow = timezone.localdate().toordinal() + 1
    from datetime import date

    response = client.post(
        reverse("subject_access:log"),
        {
            "student": school.pk,
            "relation": "parent",
            "requester_name": "Rachel Quinn",
            "received_on": date.fromordinal(tomorrow).isoformat(),
            "identity_checked": "yes",
            "identity_how": "",
            "handled_by": dsl.pk,
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "This date is in the future" in text
    assert "Say how their identity was checked." in text
    assert 'value="Rachel Quinn"' in text
    assert 'id="error-summary"' in text
    assert not SubjectAccessRequest.objects.exists()


def test_gather_redact_withhold_preview_and_export(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    response = client.post(reverse("subject_access:gather", kwargs={"pk": sar.pk}))
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == "assembling"
    items = items_of(sar)
    parts = {i.part for i in items}
    assert {"record", "family", "learning", "safeguarding"} <= parts
    concern = next(i for i in items if OTHER_CHILD in i.text)

    # The file's page offers the other child and the member of staff as names to redact.
    page = client.get(reverse("subject_access:file", kwargs={"pk": sar.pk})).content.decode()
    assert f'value="{OTHER_CHILD}"' in page and f'value="{STAFF_NAME}"' in page
    assert 'value="Maya Quinn"' not in page  # never the child's own name

    # Redact the other child everywhere from the suggestion, the member of staff in one item.
    client.post(
        reverse("subject_access:redact_everywhere", kwargs={"pk": sar.pk}),
        {"phrase": OTHER_CHILD, "reason": "third_party"},
    )
    item_url = reverse("subject_access:item", kwargs={"pk": sar.pk, "number": concern.number})
    response = client.post(
        item_url, {"mark-phrase": STAFF_NAME.lower(), "mark-reason": "staff", "mark-where": "here"}
    )
    assert response.status_code == 302
    # Withhold the grade, with its exemption and reasons.
    grade = next(i for i in items if i.key.startswith("grade:"))
    grade_url = reverse("subject_access:item", kwargs={"pk": sar.pk, "number": grade.number})
    response = client.post(
        grade_url,
        {
            "which": "decision",
            "decision-included": "no",
            "decision-exemption": "not_personal_data",
            "decision-exemption_note": "Shown for the test.",
        },
    )
    assert response.status_code == 302

    preview = client.get(reverse("subject_access:preview", kwargs={"pk": sar.pk}))
    page = preview.content.decode()
    assert "1 item withheld" in page
    text = page.split('<article class="answer">')[1].split("</article>")[0]  # the answer
    assert OTHER_CHILD not in text and STAFF_NAME not in text
    assert "[redacted: third party]" in text and "[redacted: member of staff]" in text
    assert "Autumn arithmetic test" not in text  # withheld

    # Not exported until it is ready; then the PDF.
    export = reverse("subject_access:export", kwargs={"pk": sar.pk})
    assert client.get(export).status_code == 302
    client.post(reverse("subject_access:move_on", kwargs={"pk": sar.pk}), {"status": "ready"})
    sar.refresh_from_db()
    assert sar.status == "ready"
    response = client.get(export)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for how in ("assemble", "redact", "preview", "export", "status"):
        assert _accesses(how), f"no access entry for {how}"


def test_withholding_needs_an_exemption_and_reasons(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    client.post(reverse("subject_access:gather", kwargs={"pk": sar.pk}))
    url = reverse("subject_access:item", kwargs={"pk": sar.pk, "number": 1})
    response = client.post(url, {"which": "decision", "decision-included": "no"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose the exemption it is withheld under." in text
    assert "Write why it is withheld." in text
    sar.refresh_from_db()
    assert items_of(sar)[0].included


def test_words_not_in_the_item_are_refused_with_a_message(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    client.post(reverse("subject_access:gather", kwargs={"pk": sar.pk}))
    url = reverse("subject_access:item", kwargs={"pk": sar.pk, "number": 1})
    response = client.post(
        url, {"mark-phrase": "Nobody Here", "mark-reason": "third_party", "mark-where": "here"}
    )
    assert response.status_code == 400
    assert "These words are not in this item." in response.content.decode()
    assert 'value="Nobody Here"' in response.content.decode()


def test_a_ready_file_is_not_changed_until_sent_back(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    client.post(reverse("subject_access:gather", kwargs={"pk": sar.pk}))
    client.post(reverse("subject_access:move_on", kwargs={"pk": sar.pk}), {"status": "ready"})
    client.post(
        reverse("subject_access:redact_everywhere", kwargs={"pk": sar.pk}),
        {"phrase": OTHER_CHILD, "reason": "third_party"},
    )
    sar.refresh_from_db()
    assert sar.case_file["everywhere"] == []
    client.post(reverse("subject_access:move_on", kwargs={"pk": sar.pk}), {"status": "assembling"})
    client.post(
        reverse("subject_access:redact_everywhere", kwargs={"pk": sar.pk}),
        {"phrase": OTHER_CHILD, "reason": "third_party"},
    )
    sar.refresh_from_db()
    assert [m["phrase"] for m in sar.case_file["everywhere"]] == [OTHER_CHILD]


def test_sent_and_closed_are_dated(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    client.post(reverse("subject_access:gather", kwargs={"pk": sar.pk}))
    url = reverse("subject_access:move_on", kwargs={"pk": sar.pk})
    for status in ("ready", "sent", "closed"):
        client.post(url, {"status": status})
    sar.refresh_from_db()
    today = timezone.localdate()
    assert (sar.status, sar.sent_on, sar.closed_on) == ("closed", today, today)
    # A step that does not follow is refused.
    response = client.post(url, {"status": "received"}, follow=True)
    assert "That step does not follow" in response.content.decode()


def test_the_identity_check_is_recorded_later_and_kept_encrypted(client, sar, dsl, deputy):
    sar.identity_checked, sar.identity_how = False, ""
    sar.save()
    sign_in(client, dsl, verified=True)
    url = reverse("subject_access:edit", kwargs={"pk": sar.pk})
    page = client.get(url).content.decode()
    assert 'value="Rachel Quinn"' in page
    response = client.post(
        url,
        {
            "relation": "parent",
            "requester_name": "Rachel Quinn",
            "received_on": sar.received_on.isoformat(),
            "identity_checked": "yes",
            "identity_how": "",
            "handled_by": deputy.pk,
        },
    )
    assert response.status_code == 400
    assert "Say how their identity was checked." in response.content.decode()
    response = client.post(
        url,
        {
            "relation": "parent",
            "requester_name": "Rachel Quinn",
            "received_on": sar.received_on.isoformat(),
            "identity_checked": "yes",
            "identity_how": "Driving licence seen at reception.",
            "handled_by": deputy.pk,
        },
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.identity_checked and sar.identity_how == "Driving licence seen at reception."
    assert sar.handled_by == deputy
    assert _accesses("edit")


def test_the_list_costs_the_same_queries_whatever_its_length(
    client, sar, dsl, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, dsl, verified=True)
    url = reverse("subject_access:home")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for days in (3, 9, 40):
        SubjectAccessRequest(
            student=sar.student,
            requester_name="Someone",
            relation="parent",
            received_on=timezone.localdate() - timedelta(days=days),
            handled_by=dsl,
            logged_by=dsl,
        ).save()
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("subject-access/") >= 4


def test_the_audit_trail_says_each_step_in_words(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    client.post(reverse("subject_access:gather", kwargs={"pk": sar.pk}))
    client.get(reverse("subject_access:preview", kwargs={"pk": sar.pk}))
    trail = client.get(reverse("audit:trail"))
    assert trail.status_code == 200
    text = trail.content.decode()
    assert "gathered the file for" in text
    assert "previewed the redacted answer to" in text
    assert "took her lunch" not in text and "Rachel Quinn" not in text  # no content


def test_the_request_page_helps_check_who_asked(client, sar, dsl, parent):
    sign_in(client, dsl, verified=True)
    url = reverse("subject_access:request", kwargs={"pk": sar.pk})
    page = client.get(url).content.decode()
    # A parent asked: the people the school holds with parental responsibility are named.
    assert "these people with parental responsibility" in page
    assert parent.get_full_name() in page
    assert "A child this young" not in page
    sar.relation = "child"
    sar.save()
    page = client.get(url).content.decode()
    assert "Maya is " in page
    assert "A child this young can usually make their own request only if" in page
