"""Every page that shows a confidential object writes exactly one access entry per request
(issue 3), and every such page is listed here, so a new one cannot be forgotten: the walk over
every address (tests/test_every_view_has_a_door.py) fails on a page with an object in its address
that is in neither PAGES nor ACTIONS."""

from collections.abc import Mapping

from auditlog.models import LogEntry

from confidentiality.models import User
from records.models import (
    MeetingRequest,
    RecordSection,
    Student,
    TalkRequest,
    TeachingGroup,
    WorkItem,
)
from safeguarding.models import (
    Action,
    AdviceRequest,
    CaseMeeting,
    Concern,
    ConcernAttachment,
)
from tests.conftest import sign_in


class _LookedUpWhenRun(Mapping):
    """More of a page's address, found in the demo school only when the test runs."""

    def __init__(self, **find):
        self.find = find

    def __getitem__(self, key):
        return self.find[key]()

    def __iter__(self):
        return iter(self.find)

    def __len__(self):
        return len(self.find)


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
    "records:class_photo_consent": ("teacher", lambda: TeachingGroup.objects.get(name="3 Oak")),
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
    "safeguarding:attachment": (
        "dsl",
        lambda: _concern_attachment().concern,
        _LookedUpWhenRun(attachment_pk=lambda: _concern_attachment().pk),
    ),
    "safeguarding:advice_answer": ("dsl", lambda: AdviceRequest.objects.first()),
    "safeguarding:task": (
        "teacher",
        lambda: (
            Action.objects.outstanding()
            .filter(owner__username="teacher")
            .exclude(concern__raised_by__username="teacher")
            .first()
        ),
    ),
    "safeguarding:my_advice": (None, lambda: AdviceRequest.objects.first()),
    # A child's safeguarding profile and meetings: the child opened for the team (blind).
    "safeguarding:profile": ("dsl", lambda: _child_with_meetings()),
    "safeguarding:add_status": ("dsl", lambda: _child_with_meetings()),
    "safeguarding:add_contact": ("dsl", lambda: _child_with_meetings()),
    "safeguarding:add_meeting": ("dsl", lambda: _child_with_meetings()),
    "safeguarding:meeting": (
        "dsl",
        lambda: _child_with_meetings(),
        _LookedUpWhenRun(
            meeting_pk=lambda: CaseMeeting.objects.about(_child_with_meetings())[0].pk
        ),
    ),
    "safeguarding:decisions_not_to_refer": (
        "dsl",
        lambda: Concern.objects.filter(decisions_not_to_refer__isnull=False).first(),
    ),
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
    "safeguarding:task_done",
    "safeguarding:add_referral",
    "safeguarding:update_referral",
    "safeguarding:add_share",
    "safeguarding:close",
    "safeguarding:reopen",
    "safeguarding:advice_convert",
    "safeguarding:end_status",
    "safeguarding:end_contact",
    "records:assign_support",
    "records:end_assignment",
    "records:share_family",
    "records:stop_sharing_family",
    "records:record_talk_request",
    # The team page's button that removes a deputy DSL (POST only): a person's place in the
    # team, not a child's record; the change is audited (tests/core/test_safeguarding_team.py).
    "team_remove_deputy",
}
# List pages that name confidential work (concerns, alerts about them): one access entry per
# look, its subject the person looking (the address says which list).
LIST_PAGES = {
    "safeguarding:dashboard": "dsl",
    "safeguarding:concern_list": "dsl",
    "safeguarding:alerts": "dsl",
    "safeguarding:adult_concerns": "dsl",
    "safeguarding:advice_list": "dsl",
    "safeguarding:my_advice_list": "ta",
    "safeguarding:my_concerns": "teacher",
    "safeguarding:my_tasks": "teacher",
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


def _child_with_meetings():
    """The demo's child on a child protection plan (the one with meetings)."""
    meeting = CaseMeeting.objects.first()
    return meeting.student if meeting else None


def _parents_child():
    return Student.objects.filter(parent_links__parent__username="parent").first()


def _concern_attachment():
    """A file attached to a demo concern about a child (one is attached if there is none)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safeguarding.raising import attach

    found = ConcernAttachment.objects.filter(concern__in=Concern.objects.about_children()).first()
    if found is not None:
        return found
    concern = Concern.objects.about_children().first()
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 a letter from the child's aunt")
    letter.detected_type = "application/pdf"
    return attach(concern, letter, by=concern.raised_by)


def test_each_confidential_page_writes_exactly_one_access_entry(client, demo_school):
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


def test_each_list_page_writes_exactly_one_access_entry(client, demo_school):
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
