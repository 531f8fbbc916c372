"""Every page that shows a confidential object writes exactly one access entry per request
(issue 3), and every such page is listed here, so a new one cannot be forgotten."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import get_resolver

from confidentiality.models import User
from records.models import (
    MeetingRequest,
    RecordSection,
    Student,
    TalkRequest,
    TeachingGroup,
    WorkItem,
)
from safeguarding.models import AdviceRequest, Concern
from tests.conftest import sign_in

# URL name -> (who looks, how to find the object in the demo school)
PAGES = {
    "records:student_detail": ("teacher", lambda: _oak_pupil()),
    "records:section_history": ("dsl", lambda: _medical_section().student, {"kind": "medical"}),
    "records:edit_section": ("dsl", lambda: _medical_section().student, {"kind": "medical"}),
    "records:download_work": (
        "teacher",
        lambda: WorkItem.objects.filter(student__in=_oak()).first(),
    ),
    "records:meeting_detail": ("dsl", lambda: MeetingRequest.objects.first()),
    "records:class_detail": ("teacher", lambda: TeachingGroup.objects.get(name="3 Oak")),
    "records:talk_request_detail": ("ta", lambda: TalkRequest.objects.first()),
    "portal:child": ("parent", lambda: _parents_child()),
    "portal:photo_consent": ("parent", lambda: _parents_child()),
    "portal:work_download": (
        "parent",
        lambda: WorkItem.objects.filter(student__parent_links__parent__username="parent").first(),
    ),
    "safeguarding:my_concern": (
        "teacher",
        lambda: Concern.objects.filter(raised_by__username="teacher").first(),
    ),
    "safeguarding:concern": ("dsl", lambda: Concern.objects.about_children().first()),
    "safeguarding:chronology": (
        "dsl",
        lambda: Concern.objects.about_children().first().named_children[0].student,
    ),
    "safeguarding:chronology_print": (
        "dsl",
        lambda: Concern.objects.about_children().first().named_children[0].student,
    ),
    "safeguarding:chronology_pdf": (
        "dsl",
        lambda: Concern.objects.about_children().first().named_children[0].student,
    ),
    "safeguarding:advice_answer": ("dsl", lambda: AdviceRequest.objects.first()),
    "safeguarding:my_advice": (None, lambda: AdviceRequest.objects.first()),
}
# Pages with an object in the URL that only act (POST) or only show a form to act: each still
# fetches its object through the door, which audits it when the action shows anything.
ACTIONS = {
    "records:break_glass",
    "records:end_emergency_access",
    "records:add_grade",
    "records:add_progress_note",
    "records:upload_work",
    "records:send_notice",
    "records:ask_discussion",
    "records:discussion_used",
    "records:end_parent_link",
    "records:restore_parent_link",
    "portal:ask_meeting",
    "portal:discussion",
    "safeguarding:alert_read",
    "safeguarding:acknowledge",
    "safeguarding:triage",
    "safeguarding:link_children",
    "safeguarding:add_note",
    "safeguarding:add_action",
    "safeguarding:complete_action",
    "safeguarding:add_referral",
    "safeguarding:update_referral",
    "safeguarding:add_share",
    "safeguarding:close",
    "safeguarding:reopen",
    "safeguarding:attachment",
    "safeguarding:advice_convert",
    "records:class_photo_consent",
    "records:import_file",
    "records:assign_support",
    "records:end_assignment",
    "records:share_family",
    "records:stop_sharing_family",
    "records:record_talk_request",
}
# List pages that name confidential work (concerns, alerts about them): one access entry per
# look, its subject the person looking (the address says which list).
LIST_PAGES = {
    "safeguarding:dashboard": "dsl",
    "safeguarding:alerts": "dsl",
    "safeguarding:adult_concerns": "dsl",
    "safeguarding:advice_list": "dsl",
    "safeguarding:my_advice_list": "ta",
    "safeguarding:my_concerns": "teacher",
    "records:meeting_list": "dsl",
    "records:student_list": "teacher",
    "records:emergency_access_list": "dsl",
}


def _oak():
    return Student.objects.filter(teaching_groups__name="3 Oak")


def _oak_pupil():
    return _oak().order_by("last_name").first()


def _medical_section():
    return RecordSection.objects.filter(kind="medical").first()


def _parents_child():
    return Student.objects.filter(parent_links__parent__username="parent").first()


def _named_pages():
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and "<" in str(pattern.pattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return {n for n in names if n.split(":")[0] in {"records", "portal", "safeguarding"}}


def test_every_page_with_an_object_in_its_address_is_listed_here():
    unlisted = _named_pages() - set(PAGES) - ACTIONS
    assert not unlisted, f"add these pages to PAGES (or ACTIONS): {sorted(unlisted)}"


@pytest.fixture
def school(db):
    call_command("seed_demo", password="a long demo password 2026", verbosity=0)


def test_each_confidential_page_writes_exactly_one_access_entry(client, school):
    from django.urls import reverse

    problems = []
    for name, (who, find, *extra) in sorted(PAGES.items()):
        obj = find()
        assert obj is not None, f"the demo school has nothing for {name}"
        user = obj.asked_by if who is None else User.objects.get(username=who)
        client.logout()
        sign_in(client, user, verified=user.needs_second_factor)
        url = reverse(name, kwargs={"pk": obj.pk, **(extra[0] if extra else {})})
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        response = client.get(url)
        written = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - before
        if response.status_code != 200 or written != 1:
            problems.append(f"{name}: status {response.status_code}, {written} access entries")
    assert not problems, problems


def test_each_list_page_writes_exactly_one_access_entry(client, school):
    from django.urls import reverse

    problems = []
    for name, who in sorted(LIST_PAGES.items()):
        user = User.objects.get(username=who)
        client.logout()
        sign_in(client, user, verified=True)
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        response = client.get(reverse(name))
        written = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - before
        if response.status_code != 200 or written != 1:
            problems.append(f"{name}: status {response.status_code}, {written} access entries")
    assert not problems, problems
