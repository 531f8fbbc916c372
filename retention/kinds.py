"""The kinds of record of the apps that existed when retention was built, registered with the
schedule (``retention.registry``). A later app registers its own kinds from its ``ready``.

The periods and actions are the IRMS toolkit's for schools (2019) where it names the record, and
otherwise a cautious choice marked "the school's schedule": "review" wherever deleting needs a
person's judgement (an allegation, an account), so no run destroys those on its own.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from confidentiality.roles import Role

from .models.rules import Action
from .policy import may_manage_retention
from .registry import Found, RecordKind, end_of_school_year, register, years_after

HEAD = Role.HEAD_TEACHER


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _named(user) -> str:
    return user.get_full_name() or user.username


def _everyone_managing(user) -> bool:
    return may_manage_retention(user)


def _the_dsl(user) -> bool:
    return may_manage_retention(user) and user.has_role(Role.DSL)


def _the_head(user) -> bool:
    return may_manage_retention(user) and user.has_role(HEAD)


def _delete(obj, schedule) -> int:
    removed, _ = obj.delete()
    return removed


# --- the child-protection file ----------------------------------------------------------------


class ChildProtectionFile:
    """Everything the safeguarding team keeps about one child: the concerns naming them (with
    their case notes, actions, referrals, attachments and decisions), their plans and statuses,
    key contacts and multi-agency meetings. Kept and destroyed as one file (KCSIE)."""

    def __init__(self, student, concern_ids):
        self.student = student
        self.pk = student.pk
        self.concern_ids = concern_ids
        self._meta = student._meta  # the certificate names it as the child, by reference


def _safeguarding_refs():
    """The blind references of the children with anything in a child-protection file, and the
    concerns naming each: one query per table whatever the number of children."""
    from safeguarding.models import CaseMeeting, ConcernSubject, KeyContact, SafeguardingStatus

    concerns_of = {}
    refs_of_concern = {}
    for ref, concern_id in ConcernSubject.objects.values_list("student_ref", "concern_id"):
        concerns_of.setdefault(ref, set()).add(concern_id)
        refs_of_concern.setdefault(concern_id, set()).add(ref)
    others = {
        model: set(model.objects.values_list("student_ref", flat=True))
        for model in (SafeguardingStatus, KeyContact, CaseMeeting)
    }
    return concerns_of, refs_of_concern, others


def _child_protection_files(schedule):
    from records.models import Student
    from safeguarding.models import ConcernSubject

    concerns_of, refs_of_concern, others = _safeguarding_refs()
    years = schedule.years("child_protection_file")
    due_by_ref = {}
    child_of_ref = {}
    children = []
    for student in Student.objects.all():
        ref = ConcernSubject.ref_for(student)
        child_of_ref[ref] = student
        born = student.date_of_birth
        due_by_ref[ref] = born is not None and years_after(born, years) <= schedule.today
        has_file = ref in concerns_of or any(
            model.student.ref(student) in refs for model, refs in others.items()
        )
        if has_file and born is not None:
            children.append((student, ref, born))
    for student, ref, born in children:
        concern_ids = concerns_of.get(ref, set())
        shared = {
            concern
            for concern in concern_ids
            if not all(due_by_ref.get(other, True) for other in refs_of_concern[concern])
        }
        # Every other child a concern in the file names: a hold on any of them keeps the whole
        # file, as a hold on this child does (their concern would go with it).
        also_about = tuple(
            child_of_ref[other]
            for other in sorted({r for c in concern_ids for r in refs_of_concern[c]} - {ref})
            if other in child_of_ref
        )
        yield Found(
            obj=ChildProtectionFile(student, concern_ids),
            starts_on=born,
            label=f"Child-protection file of {student}",
            child=student,
            also_about=also_about,
            # Kept and destroyed as one file: while a concern also names a younger child,
            # whose file is not yet due, the whole file waits.
            waits_for=(
                "A concern in it also names a younger child, whose file is kept longer."
                if shared
                else ""
            ),
        )


def _delete_child_protection_file(file, schedule) -> int:
    from safeguarding.models import CaseMeeting, Concern, KeyContact, SafeguardingStatus

    removed, _ = Concern.objects.filter(pk__in=file.concern_ids).delete()
    for model in (SafeguardingStatus, KeyContact, CaseMeeting):
        count, _ = model.objects.filter(**model.student.lookup(file.student)).delete()
        removed += count
    return removed


# --- the pupil record ---------------------------------------------------------------------------


def _pupil_records(schedule):
    from records.models import Student
    from safeguarding.models import ConcernSubject

    concerns_of, _, others = _safeguarding_refs()
    for student in Student.objects.all():
        born = student.date_of_birth
        if born is None:
            continue
        has_file = ConcernSubject.ref_for(student) in concerns_of or any(
            model.student.ref(student) in refs for model, refs in others.items()
        )
        yield Found(
            obj=student,
            starts_on=born,
            label=str(student),
            child=student,
            # The child-protection file counts from the child's birth too and is found through
            # the pupil record: the record waits until the file is gone.
            waits_for="The child-protection file is still kept." if has_file else "",
        )


def _work(schedule):
    from records.models import WorkItem

    for item in WorkItem.objects.select_related("student").only(
        "pk", "created_at", "student__first_name", "student__last_name", "student__preferred_name"
    ):
        yield Found(
            item,
            end_of_school_year(_day(item.created_at)),
            f"Work handed in by {item.student} on {_day(item.created_at):%-d %B %Y}",
            child=item.student,
        )


def _talk_requests(schedule):
    from records.models import TalkRequest

    closed = TalkRequest.objects.exclude(closed_at=None).select_related("student")
    for request in closed:
        yield Found(
            request,
            _day(request.closed_at),
            f"Request to talk from {request.student}, closed {_day(request.closed_at):%-d %B %Y}",
            child=request.student,
        )


def _meeting_requests(schedule):
    from records.models import MeetingRequest

    answered = MeetingRequest.objects.exclude(answered_at=None).select_related("student")
    for request in answered:
        yield Found(
            request,
            _day(request.answered_at),
            f"Meeting request about {request.student}, answered "
            f"{_day(request.answered_at):%-d %B %Y}",
            child=request.student,
        )


# --- adults ---------------------------------------------------------------------------------------


def _concerns_about_adults(schedule):
    from safeguarding.models import Concern

    for concern in Concern.objects.about_adults().only("pk", "created_at"):
        # Never the person named: the report gives the concern's reference, which its handlers
        # open through the concern's own door.
        yield Found(
            concern, _day(concern.created_at), f"Concern about an adult {concern.reference}"
        )


def _training(schedule):
    from safeguarding.models import TrainingRecord

    for record in TrainingRecord.objects.select_related("person"):
        yield Found(
            record,
            end_of_school_year(record.completed_on),
            f"Training of {_named(record.person)}, {record.completed_on:%-d %B %Y}",
        )


def _policy_readings(schedule):
    from safeguarding.models import PolicyReading

    for reading in PolicyReading.objects.select_related("person"):
        yield Found(
            reading,
            end_of_school_year(reading.read_on),
            f"Policy read by {_named(reading.person)}, {reading.read_on:%-d %B %Y}",
        )


def _performance_files(schedule):
    from performance.models import PerformanceFile

    for file in PerformanceFile.objects.select_related("subject", "cycle"):
        yield Found(
            file, file.cycle.ends_on, f"Performance file of {_named(file.subject)}, {file.cycle}"
        )


def _accounts_of_leavers(schedule):
    for person in get_user_model().objects.filter(is_active=False):
        yield Found(
            person,
            _day(person.last_login or person.date_joined),
            f"Account of {_named(person)} (no longer active)",
        )


# --- the governing body -------------------------------------------------------------------------


def _papers(schedule):
    from governance.models import Paper

    for paper in Paper.objects.select_related("meeting").only(
        "pk", "meeting__held_at", "meeting__committee"
    ):
        yield Found(paper, _day(paper.meeting.held_at), f"A paper of the meeting {paper.meeting}")


def _head_reports(schedule):
    from governance.models import HeadReport

    for report in HeadReport.objects.select_related("meeting"):
        yield Found(
            report, _day(report.meeting.held_at), f"Head teacher's report to {report.meeting}"
        )


PUPIL_RECORD_MODELS = (
    "records.student",
    "records.recordsection",
    "records.grade",
    "records.progressnote",
    "records.parentlink",
    "records.endedparentlink",
    "records.familynotice",
    "records.familysharedecision",
    "records.photoconsent",
    "records.photouse",
    "records.discussionpermission",
    "records.supportassignment",
)
CHILD_PROTECTION_MODELS = (
    "safeguarding.concern",
    "safeguarding.concernsubject",
    "safeguarding.concernattachment",
    "safeguarding.casenote",
    "safeguarding.action",
    "safeguarding.referral",
    "safeguarding.decisionnottorefer",
    "safeguarding.informationshare",
    "safeguarding.alert",
    "safeguarding.casemeeting",
    "safeguarding.safeguardingstatus",
    "safeguarding.keycontact",
)


def register_the_schools_kinds() -> None:
    """The kinds of record of records, safeguarding, performance, governance and accounts."""
    register(
        RecordKind(
            key="child_protection_file",
            label="Child-protection file",
            covers=(
                "Everything the safeguarding team holds about a child: concerns with their case "
                "notes, actions, referrals, attachments and decisions, plans, key contacts and "
                "multi-agency meetings. Kept as one file: while a concern in it also names a "
                "younger child, the whole file is kept."
            ),
            clock="the child's date of birth",
            years=25,
            least_years=25,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: child protection files, date of birth + 25 years",
            order=10,
            models=CHILD_PROTECTION_MODELS,
            find=_child_protection_files,
            delete=_delete_child_protection_file,
            shown_to=_the_dsl,
            safeguarding=True,
        )
    )
    register(
        RecordKind(
            key="pupil_record",
            label="Pupil record",
            covers=(
                "The child's record and its sections (medical, SEN, family, social services), "
                "grades and progress notes, family links and messages, consents and discussion "
                "permissions, support assignments; with it go any work, requests to talk and "
                "meeting requests still kept."
            ),
            clock="the child's date of birth",
            years=25,
            least_years=25,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: pupil's educational record, date of birth + 25 "
            "years (secondary school; a primary school passes it to the next school)",
            order=90,
            models=PUPIL_RECORD_MODELS,
            find=_pupil_records,
            delete=_delete,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="pupil_work",
            label="Pupils' work",
            covers="Work handed in and kept with the pupil's record.",
            clock="the end of the school year it was handed in",
            years=1,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: pupils' work, current year + 1 year",
            order=20,
            models=("records.workitem",),
            find=_work,
            delete=_delete,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="talk_request",
            label="Requests to talk",
            covers="A child's request to talk to a member of staff, once it is closed.",
            clock="the date the request was closed",
            years=1,
            action=Action.DELETE,
            toolkit="Not in the toolkit: the school's schedule (anything of concern is in the "
            "child-protection file)",
            order=20,
            models=("records.talkrequest",),
            find=_talk_requests,
            delete=_delete,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="meeting_request",
            label="Meeting requests from families",
            covers="A parent or carer's request to meet about their child, once answered.",
            clock="the date it was answered",
            years=1,
            action=Action.DELETE,
            toolkit="Not in the toolkit: the school's schedule",
            order=20,
            models=("records.meetingrequest",),
            find=_meeting_requests,
            delete=_delete,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="concern_about_adult",
            label="Concerns and allegations about adults",
            covers=(
                "Low-level concerns and allegations about staff and volunteers. Kept until the "
                "person's normal retirement age or 10 years from the allegation, whichever is "
                "longer: the application does not know a person's age, so it asks for a review "
                "at 10 years. Allegations found malicious are removed from the personnel record "
                "and unfounded ones not referred to in references (KCSIE Part 4): the DSL and "
                "the head teacher decide at the review."
            ),
            clock="the date the concern was raised",
            years=10,
            least_years=10,
            action=Action.REVIEW,
            toolkit="IRMS toolkit for schools: allegations against staff, normal retirement "
            "age or 10 years from the allegation, whichever is longer, then review",
            order=15,
            models=("safeguarding.concernaboutadult",),
            find=_concerns_about_adults,
            shown_to=_everyone_managing,
            safeguarding=True,
        )
    )
    register(
        RecordKind(
            key="training_record",
            label="Safeguarding training records",
            covers="The safeguarding and other training a member of staff completed.",
            clock="the end of the school year of the training",
            years=6,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: staff training records, current year + 6 years",
            order=30,
            models=("safeguarding.trainingrecord",),
            find=_training,
            delete=_delete,
            shown_to=_everyone_managing,
            safeguarding=True,
        )
    )
    register(
        RecordKind(
            key="policy_reading",
            label="Policy readings",
            covers="That a member of staff read a version of a policy (e.g. KCSIE Part 1).",
            clock="the end of the school year it was read",
            years=6,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: staff training records, current year + 6 years",
            order=30,
            models=("safeguarding.policyreading",),
            find=_policy_readings,
            delete=_delete,
            shown_to=_everyone_managing,
            safeguarding=True,
        )
    )
    register(
        RecordKind(
            key="performance_file",
            label="Performance files",
            covers=(
                "A member of staff's performance file for one review cycle: objectives, "
                "progress, reviews, observations and their sheets, performance data, "
                "delegations."
            ),
            clock="the end of the review cycle",
            years=6,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: appraisal records, current year + 6 years",
            order=40,
            models=(
                "performance.performancefile",
                "performance.objective",
                "performance.progressnote",
                "performance.reviewmeeting",
                "performance.delegation",
                "performance.performancedataentry",
                "performance.observation",
                "performance.observationsheet",
            ),
            find=_performance_files,
            delete=_delete,
            shown_to=_the_head,
        )
    )
    register(
        RecordKind(
            key="governing_body_minutes",
            label="Governing body minutes",
            covers="The signed minutes of the governing body's meetings, public and "
            "confidential, with the meeting, its agenda and who attended.",
            clock="the date of the meeting",
            years=0,
            action=Action.KEEP,
            toolkit="IRMS toolkit for schools: signed minutes of the governing body, permanent",
            order=100,
            models=(
                "governance.meeting",
                "governance.agendaitem",
                "governance.attendance",
                "governance.publicminuteitem",
                "governance.confidentialminuteitem",
            ),
            fixed=True,
        )
    )
    register(
        RecordKind(
            key="governing_body_papers",
            label="Governing body papers",
            covers="Papers uploaded for a meeting of the governing body.",
            clock="the date of the meeting",
            years=6,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: reports and papers presented to the governing "
            "body, date of the meeting + 6 years",
            order=50,
            models=("governance.paper",),
            find=_papers,
            delete=_delete,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="head_report",
            label="Head teacher's reports to governors",
            covers="The head teacher's report to a meeting, with its confidential items "
            "(exclusions, personnel matters).",
            clock="the date of the meeting",
            years=6,
            action=Action.REVIEW,
            toolkit="IRMS toolkit for schools: reports presented to the governing body, "
            "6 years, then review (kept with the minutes where the minutes refer to them)",
            order=50,
            models=("governance.headreport", "governance.headreportitem"),
            find=_head_reports,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="account_of_leaver",
            label="Accounts of people who left",
            covers="The sign-in account of a member of staff, governor, volunteer or parent "
            "that is no longer active. Records they wrote keep their name: the account is "
            "reviewed, never deleted by a run.",
            clock="their last sign-in",
            years=1,
            action=Action.REVIEW,
            toolkit="Not in the toolkit: the school's schedule (the personnel file itself is "
            "kept for 6 years after they leave)",
            order=80,
            models=("confidentiality.user",),
            find=_accounts_of_leavers,
            shown_to=_everyone_managing,
        )
    )
    register(
        RecordKind(
            key="audit_trail",
            label="Audit trail",
            covers="Who opened, changed or deleted which record, and when. Never deleted by a "
            "rule: a deleted record's entries stay, naming it only by reference.",
            clock="the date of the entry",
            years=0,
            action=Action.KEEP,
            toolkit="Kept as the evidence of access (UK GDPR Article 5(2), accountability)",
            order=200,
            models=("auditlog.logentry", "confidentiality.auditseal"),
            fixed=True,
        )
    )
    register(
        RecordKind(
            key="deletion_certificate",
            label="Deletion certificates",
            covers="The certificate of each record destroyed under this schedule.",
            clock="the date of the deletion",
            years=0,
            action=Action.KEEP,
            toolkit="IRMS toolkit for schools: keep a record of what was destroyed, permanently",
            order=200,
            models=("retention.deletioncertificate", "retention.legalhold"),
            fixed=True,
        )
    )
