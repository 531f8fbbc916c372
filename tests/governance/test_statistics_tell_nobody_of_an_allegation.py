"""P17: the head teacher drafts the termly report, and an allegation may be about the head. The
statistics governors are given count only concerns about children and only referrals actually
made, never a LADO referral or anything about an adult, and only completed terms: nothing the
head can see in them moves when someone logs an allegation about the head."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from governance.models import HeadReport
from safeguarding import statistics
from safeguarding.models import Concern, Referral
from safeguarding.statistics import ABOUT_ADULTS_NOTE, FEWER_THAN_5, WITHHELD
from tests.conftest import sign_in

from .test_statistics import _concern


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _today():
    return timezone.localdate()


def _current_term():
    return statistics.term_of(_today())


def _last_term():
    return statistics.term_before(_current_term())


def _during(term):
    """Midday ten days into ``term``, as the school's clock reads it."""
    day = term.starts_on + timedelta(days=10)
    return timezone.make_aware(datetime.combine(day, time(12)))


def _statistics_seen_by_head(client, report) -> str:
    page = client.get(f"/governors/reports/{report.pk}/").content.decode()
    return page.split('aria-labelledby="statistics-heading">')[1].split("</section>")[0]


@pytest.fixture
def drafts(head):
    """The head's draft reports, with statistics, for this term and for the last one."""
    found = []
    for term in (_current_term(), _last_term()):
        report = HeadReport(
            term=term.name,
            school_year=term.school_year,
            written_by=head,
            include_statistics=True,
        )
        report.save()
        found.append(report)
    return found


def test_an_allegation_about_the_head_changes_nothing_the_head_sees(
    client, teacher, head, chair, dsl, pupil, drafts
):
    # Something to count, so the tables are not all zeros.
    for _ in range(2):
        _concern(teacher, pupil, "neglect", _during(_last_term()))
    sign_in(client, head, verified=True)
    before = [_statistics_seen_by_head(client, report) for report in drafts]
    assert ABOUT_ADULTS_NOTE in before[0]

    # A teacher logs an allegation about the head: its LADO referral is recorded, not yet made.
    writer = client.__class__()
    sign_in(writer, teacher)
    response = writer.post(
        "/safeguarding/adults/log/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "person": head.pk,
            "nature": "allegation",
            "category": "physical",
            "account": "Grabbed a pupil by the arm in the corridor.",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "urgency": "routine",
        },
    )
    assert response.status_code == 302
    allegation = Concern.objects.about_adults().get()
    lado = allegation.referrals.get(agency=Referral.Agency.LADO)
    assert lado.made_at is None
    assert [_statistics_seen_by_head(client, report) for report in drafts] == before

    # The LADO is phoned, and the police and children's social care are told too.
    lado.record_progress(made_at=timezone.now(), by=chair)
    for agency in (Referral.Agency.POLICE, Referral.Agency.CHILDRENS_SOCIAL_CARE):
        Referral.objects.create(concern=allegation, agency=agency, made_at=timezone.now())
    assert [_statistics_seen_by_head(client, report) for report in drafts] == before

    # Even had it all happened in a term now completed, the adult's case is not counted.
    Concern.objects.filter(pk=allegation.pk).update(created_at=_during(_last_term()))
    allegation.referrals.update(made_at=_during(_last_term()))
    assert [_statistics_seen_by_head(client, report) for report in drafts] == before


def test_no_row_for_the_lado_and_the_note_says_who_reports_on_adults(head):
    figures = statistics.for_governors(_current_term())
    referrals = figures["tables"][1]
    assert "Local authority designated officer (LADO)" not in [row[0] for row in referrals["rows"]]
    assert ABOUT_ADULTS_NOTE in referrals["note"]
    assert ABOUT_ADULTS_NOTE in figures["tables"][0]["note"]


def test_the_current_term_is_not_shown(head):
    figures = statistics.for_governors(_current_term())
    concerns, referrals = figures["tables"][0], figures["tables"][1]
    assert _current_term().label not in concerns["columns"]
    assert concerns["columns"][-1] == _last_term().label
    assert referrals["columns"] == [_last_term().label]
    assert f"up to the {_last_term().label} term" in figures["covers"]
    # A report for a term that has ended counts that term itself.
    figures = statistics.for_governors(_last_term())
    assert figures["tables"][1]["columns"] == [_last_term().label]


def _referral(teacher, pupil, agency, made_at, raised_at):
    concern = _concern(teacher, pupil, "neglect", raised_at)
    return Referral.objects.create(concern=concern, agency=agency, made_at=made_at)


def _referral_counts(term=None):
    table = statistics.for_governors(term or _current_term())["tables"][1]
    return {row[0]: row[1] for row in table["rows"]}, table["totals"][0]


def test_a_referral_made_in_a_completed_term_counts(teacher, dsl, pupil):
    last = _during(_last_term())
    _referral(teacher, pupil, Referral.Agency.CHILDRENS_SOCIAL_CARE, last, last)
    rows, total = _referral_counts()
    assert rows["Children's social care"] == FEWER_THAN_5 and total == FEWER_THAN_5


def test_a_referral_made_in_the_current_term_does_not_count_yet(teacher, dsl, pupil):
    now = timezone.now()
    _referral(teacher, pupil, Referral.Agency.CHILDRENS_SOCIAL_CARE, now, now)
    rows, total = _referral_counts()
    assert rows["Children's social care"] == 0 and total == 0
    # Once the term has ended it does (a report for the term, read after its end).
    term = _current_term()
    figures = statistics.for_governors(term, today=term.ends_on + timedelta(days=1))
    assert dict((r[0], r[1]) for r in figures["tables"][1]["rows"])["Children's social care"] == (
        FEWER_THAN_5
    )


def test_a_referral_only_decided_on_does_not_count(teacher, dsl, pupil):
    last = _during(_last_term())
    _referral(teacher, pupil, Referral.Agency.POLICE, None, last)
    rows, total = _referral_counts()
    assert rows["Police"] == 0 and total == 0


def test_small_numbers_are_still_suppressed(teacher, dsl, pupil):
    last = _during(_last_term())
    for _ in range(6):
        _referral(teacher, pupil, Referral.Agency.CHILDRENS_SOCIAL_CARE, last, last)
    _referral(teacher, pupil, Referral.Agency.POLICE, last, last)
    rows, total = _referral_counts()
    assert rows["Children's social care"] == 6
    assert rows["Police"] == FEWER_THAN_5
    assert total == WITHHELD  # 7 - 6 would give the one police referral
    concerns = statistics.for_governors(_current_term())["tables"][0]
    assert dict((r[0], r[-1]) for r in concerns["rows"])["Neglect"] == 7
