"""Every page that shows a confidential object writes exactly one access entry per request
(issue 3), and every such page is listed here, so a new one cannot be forgotten: the walk over
every address (tests/test_every_view_has_a_door.py) fails on a page with an object in its address
that is in neither PAGES nor ACTIONS."""

from collections.abc import Mapping

from auditlog.models import LogEntry

from confidentiality.models import User
from confidentiality.roles import Role
from governance.models import HeadReport, Meeting
from performance.models import Observation, PerformanceFile
from records.models import (
    Lesson,
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
    Referral,
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
    "records:record_lesson": ("teacher", lambda: TeachingGroup.objects.get(name="3 Oak")),
    "records:lesson_detail": (
        "teacher",
        lambda: Lesson.objects.filter(group__name="3 Oak", topic__isnull=False).first(),
    ),
    "records:work_uploaded": ("teacher", lambda: _oak_pupil()),
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
    # A concern's casework steps, each its own page under a summary of the concern (issue 11).
    **{
        f"safeguarding:{step}": ("dsl", lambda: Concern.objects.about_children().open().first())
        for step in (
            "triage",
            "link_children",
            "add_note",
            "add_action",
            "add_referral",
            "add_share",
            "close",
        )
    },
    "safeguarding:update_referral": (
        "dsl",
        lambda: _referral().concern,
        _LookedUpWhenRun(referral_pk=lambda: _referral().pk),
    ),
    # Staff performance files (P18): the member of staff's own file; the observer's draft; the
    # head teacher's forms on a teacher's file and the sheet of a submitted observation.
    "performance:file": ("teacher", lambda: _performance_file("teacher")),
    "performance:observation": (
        "deputy",
        lambda: Observation.objects.get(observer__username="deputy", submitted_at=None),
    ),
    "performance:observation_sheet": (
        "head",
        lambda: _observation_sheet().observation,
        _LookedUpWhenRun(sheet_pk=lambda: _observation_sheet().pk),
    ),
    **{
        f"performance:{form}": ("head", lambda: _performance_file("teacher"))
        for form in (
            "add_objective",
            "add_review",
            "add_data_entry",
            "pay_recommendation",
            "delegate",
            "arrange_observation",
        )
    },
    "performance:add_progress": (
        "head",
        lambda: _performance_file("teacher"),
        _LookedUpWhenRun(objective_pk=lambda: _performance_file("teacher").objectives.first().pk),
    ),
    # The governing body (P16, P17): a meeting, its confidential minutes (the chair attended),
    # a paper and the head teacher's report; the clerk's and the head's forms on them.
    "governance:meeting": ("governor", lambda: _published_meeting()),
    "governance:confidential_minutes": ("governor", lambda: _meeting_awaiting_approval()),
    "governance:paper": (
        "governor",
        lambda: _published_meeting(),
        _LookedUpWhenRun(paper_pk=lambda: _published_meeting().papers.first().pk),
    ),
    "governance:report": ("governor", lambda: HeadReport.objects.first()),
    "governance:add_report_item": ("head", lambda: HeadReport.objects.first()),
    **{
        f"governance:{form}": ("clerk", lambda: _meeting_awaiting_approval())
        for form in (
            "add_agenda_item",
            "attendance",
            "add_public_item",
            "approve_minutes",
            "upload_paper",
            "edit_meeting",
        )
    },
    # The clerk's pages that change a draft meeting: an agenda item, an item of either part of
    # the minutes, a (confidential) paper.
    "governance:edit_agenda_item": (
        "clerk",
        lambda: _meeting_awaiting_approval(),
        _LookedUpWhenRun(item_pk=lambda: _meeting_awaiting_approval().agenda.first().pk),
    ),
    "governance:edit_public_item": (
        "clerk",
        lambda: _meeting_awaiting_approval(),
        _LookedUpWhenRun(item_pk=lambda: _meeting_awaiting_approval().public_minutes.first().pk),
    ),
    "governance:edit_confidential_item": (
        "clerk",
        lambda: _meeting_awaiting_approval(),
        _LookedUpWhenRun(
            item_pk=lambda: _meeting_awaiting_approval().confidential_minutes.first().pk
        ),
    ),
    "governance:replace_paper": (
        "clerk",
        lambda: _meeting_awaiting_approval(),
        _LookedUpWhenRun(paper_pk=lambda: _meeting_awaiting_approval().papers.first().pk),
    ),
    # Subject-access requests (P4): the demo's request that is ready to send, each page of it.
    **{
        f"subject_access:{page}": ("dsl", lambda: _ready_subject_access_request())
        for page in ("request", "edit", "extend", "file", "preview", "export")
    },
    "subject_access:item": (
        "dsl",
        lambda: _ready_subject_access_request(),
        {"number": 1},
    ),
    # Child-protection file transfers (P14): one transfer, its sealed file and PDF; the receipt
    # of a file received.
    **{
        f"transfers:{page}": ("dsl", lambda: _transfer())
        for page in ("transfer", "sealed_file", "readable_copy")
    },
    "transfers:receipt": ("dsl", lambda: _received_transfer()),
    # Pupil records sent to other schools (P14): the head teacher (as the office may).
    **{
        f"transfers:{page}": ("head", lambda: _record_transfer())
        for page in ("record", "record_sealed_file", "record_readable_copy")
    },
    "transfers:received_record_receipt": ("head", lambda: _received_record()),
    "transfers:received_record": ("head", lambda: _received_record()),
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
    "safeguarding:complete_action",
    "safeguarding:task_done",
    "safeguarding:reopen",
    "safeguarding:advice_convert",
    "safeguarding:end_status",
    "safeguarding:end_contact",
    "records:assign_support",
    "records:end_assignment",
    "records:share_family",
    "records:stop_sharing_family",
    "records:record_talk_request",
    # The school's list of sensitive topics (P19): what it teaches, about no one; the pages that
    # edit, retire and offer a topic again change it, and each change is logged.
    "records:edit_sensitive_topic",
    "records:sensitive_topic_offered",
    # The team page's button that removes a deputy DSL (POST only): a person's place in the
    # team, not a child's record; the change is audited (tests/core/test_safeguarding_team.py).
    "team_remove_deputy",
    # Performance files (P18): opening a file for a member of staff, ending a delegation (POST
    # only), and the member of staff's comments on a review (a signed-off one sends them back).
    "performance:open_file",
    "performance:end_delegation",
    "performance:comment_on_review",
    # The governing body's buttons (POST only): moving a minute between the public and the
    # confidential minutes, publishing approved minutes, sending the head's report; each is
    # audited (tests/governance/).
    "governance:make_confidential",
    "governance:make_public",
    "governance:publish_minutes",
    "governance:send_report",
    # Deleting or reordering an item of a draft meeting, removing a paper (POST only): each
    # opens the meeting through the door and is in the change log (tests/governance/).
    "governance:delete_agenda_item",
    "governance:move_agenda_item",
    "governance:delete_public_item",
    "governance:move_public_item",
    "governance:delete_confidential_item",
    "governance:move_confidential_item",
    "governance:remove_paper",
    # The school calendar (terms and closures): about nobody and confidential to nobody, so a
    # look is not an access; every change is in the change log (tests/core/test_school_calendar).
    "calendar:edit_term",
    "calendar:delete_term",
    "calendar:edit_closure",
    "calendar:delete_closure",
    # Subject access (P4), POST only: moving a request on, gathering its file, redacting words
    # and stopping; each opens the request through the door, audited as the step it is.
    "subject_access:move_on",
    "subject_access:gather",
    "subject_access:redact_everywhere",
    "subject_access:unredact_everywhere",
    "subject_access:remove_mark",
    # Lifting a legal hold (P4, POST only): the hold names no one; the change is in the change
    # log (tests/retention/test_pages.py).
    "retention:lift_hold",
    # Transfers (P14), POST only: marking a file sent, recording its receipt or a school's
    # confirmation by phone; each opens the transfer through the door, audited as that step.
    "transfers:mark_sent",
    "transfers:record_receipt",
    "transfers:confirm_by_phone",
    "transfers:record_mark_sent",
    "transfers:record_enter_receipt",
    "transfers:record_confirm_by_phone",
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
    "performance:home": "teacher",
    "performance:overview": "head",
    "subject_access:home": "dsl",
    # Retention (P4): what is due for deletion, the rules, the legal holds, the certificates.
    "retention:report": "head",
    "retention:rules": "dsl",
    "retention:holds": "dsl",
    "retention:place_hold": "head",
    "retention:certificates": "head",
    # Transfers (P14): the list, preparing one, the keys, partner schools, importing.
    **{
        f"transfers:{page}": "dsl"
        for page in ("home", "prepare", "keys", "keys_file", "partners", "import")
    },
    # Pupil records (P14): the list, preparing one, importing one.
    **{
        f"transfers:{page}": "head"
        for page in ("records_home", "records_prepare", "records_import")
    },
}


def _transfer():
    """A child-protection file prepared for a school without this software (one is prepared in
    the demo school if there is none)."""
    from transfers import sending
    from transfers.models import Transfer

    found = Transfer.objects.first()
    if found is not None:
        return found
    child = Concern.objects.about_children().first().named_children[0].student
    return sending.prepare(
        student=child,
        by=User.objects.get(username="dsl"),
        starts_on=child.created_at.date(),
        school_name="Oldtown Primary",
    ).transfer


def _received_transfer():
    """A child-protection file received from another school (one is recorded if there is none)."""
    import uuid

    from transfers.models import ReceivedTransfer

    found = ReceivedTransfer.objects.first()
    if found is not None:
        return found
    received = ReceivedTransfer(
        transfer_id=uuid.uuid4(),
        student=_oak_pupil(),
        from_school="Northgate School",
        sender_fingerprint="0000",
        format_version=1,
        content={"chronology": []},
        receipt="{}",
    )
    received.save()
    return received


def _record_transfer():
    """A pupil record prepared for a school without this software."""
    from transfers import envelope, sending
    from transfers.models import RecordTransfer

    found = RecordTransfer.objects.first()
    if found is not None:
        return found
    child = _oak_pupil()
    return sending.prepare(
        student=child,
        by=User.objects.get(username="head"),
        starts_on=child.created_at.date(),
        school_name="Oldtown Primary",
        kind=envelope.PUPIL_RECORD,
    ).transfer


def _received_record():
    """A pupil record received from another school (one is recorded if there is none)."""
    import uuid

    from transfers.models import ReceivedRecord

    found = ReceivedRecord.objects.first()
    if found is not None:
        return found
    received = ReceivedRecord(
        transfer_id=uuid.uuid4(),
        student=_oak_pupil(),
        from_school="Northgate School",
        sender_fingerprint="0000",
        format_version=1,
        content={"sections": []},
        receipt="{}",
    )
    received.save()
    return received


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


def _published_meeting():
    """The demo's meeting whose public minutes are published."""
    return Meeting.objects.minutes_published().first()


def _meeting_awaiting_approval():
    """The demo's latest meeting: minutes drafted, not yet approved."""
    return Meeting.objects.filter(minutes_approved_at__isnull=True).order_by("-held_at").first()


def _referral():
    """A referral on a demo concern about a child."""
    return Referral.objects.filter(concern__in=Concern.objects.about_children()).first()


def _ready_subject_access_request():
    """The demo's subject-access request whose file is gathered and ready to send."""
    from subject_access.models import SubjectAccessRequest

    return SubjectAccessRequest.objects.filter(status="ready").first()


def _performance_file(username):
    return PerformanceFile.objects.get(subject__username=username)


def _observation_sheet():
    """The scanned sheet of the demo's submitted observation (on teacher's file)."""
    return Observation.objects.exclude(submitted_at=None).get().sheets.get()


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
        # The chair and the clerk confirm it for the governing body's pages too.
        governing = user.has_role(Role.CHAIR_OF_GOVERNORS, Role.CLERK)
        sign_in(client, user, verified=user.needs_second_factor or governing)
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
