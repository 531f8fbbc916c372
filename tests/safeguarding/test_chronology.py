"""One chronology per child (P3): every kind of entry merged in date order, filterable, printable
and exported as a PDF for a case conference; the safeguarding team only, each look audited once."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confidentiality.audit import subject_key
from records.models import MeetingRequest
from safeguarding import advice, chronology, information_sharing
from safeguarding.models import Action, Concern, InformationShare, Referral
from tests.conftest import sign_in

from .conftest import signed

ACCOUNT = "He said his uncle locks him in the shed."


def accesses(student, how=None):
    # A look at a chronology names the child by blind reference only (a database copy must not
    # show that a child has a safeguarding file); the trail finds it through the subject key.
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__subject=subject_key(student, blind=True)
    )
    assert not entries.filter(object_pk=str(student.pk)).exists()
    assert not LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(student.pk), additional_data__how=how
    ).exists()
    return entries.filter(additional_data__how=how) if how else entries


def url(student, what=""):
    return f"/safeguarding/children/{student.pk}/chronology/{what + '/' if what else ''}"


def days_ago(n):
    return timezone.now() - timedelta(days=n)


@pytest.fixture
def case(raise_concern, teacher, dsl, deputy, pupil, parent):
    """A closed case: a concern, an action, a referral, a share, a converted request for advice,
    a meeting and the outcome, each on a different day."""
    first = raise_concern(
        teacher, [pupil], account=ACCOUNT, category="neglect", happened_at=days_ago(30)
    )
    Concern.objects.filter(pk=first.pk).update(created_at=days_ago(30))
    action = Action(
        concern=first, owner=dsl, created_by=dsl, description="Home visit", due_on=date.today()
    )
    action.save()
    Action.objects.filter(pk=action.pk).update(created_at=days_ago(25))
    Referral(
        concern=first,
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
        method=Referral.Method.WRITTEN,
        made_by=dsl,
        made_at=days_ago(20),
        details="MASH referral form sent.",
    ).save()
    share = InformationShare(
        concern=first,
        student=pupil,
        shared_on=timezone.localdate() - timedelta(days=15),
        agency="Police",
        recipient="PC Jones",
        what_was_shared="Dates of the disclosures.",
        lawful_basis="6_1_e",
        special_category="9_2_g_sch1_18",
        student_told=True,
        parents_told=True,
    )
    information_sharing.record_share(share, by=dsl)
    asked = advice.ask(teacher, "Is it a worry that he is always hungry?", pupil)
    second = advice.convert_to_concern(
        asked,
        dsl,
        {
            "student": pupil,
            "category": "physical",
            "urgency": "routine",
            "account": asked.question,
            "happened_at": days_ago(10),
        },
    )
    from safeguarding.models import AdviceRequest

    AdviceRequest.objects.filter(pk=asked.pk).update(created_at=days_ago(11))
    meeting = MeetingRequest(student=pupil, requested_by=parent, topic="His behaviour at home")
    meeting.save()
    MeetingRequest.objects.filter(pk=meeting.pk).update(created_at=days_ago(5))
    first.close(by=dsl, decision="csc_accepted", rationale="Social care have the case.")
    return first, second


def test_the_chronology_merges_every_kind_in_date_order(case, pupil):
    entries = chronology.entries_for(pupil)
    kinds = [e.kind for e in entries]
    for kind in ("concern", "action", "referral", "share", "advice", "meeting", "outcome"):
        assert kind in kinds, kind
    assert [e.when for e in entries] == sorted(e.when for e in entries)
    # The first concern (30 days ago) comes first; the outcome (today) last.
    assert entries[0].kind == "concern" and ACCOUNT in entries[0].detail
    assert entries[-1].kind == "outcome"
    assert kinds.index("referral") < kinds.index("share") < kinds.index("advice")


def test_filters_by_kind_date_and_category(case, pupil):
    entries = chronology.entries_for(pupil)
    only = chronology.apply_filters(entries, kinds=["referral", "share"])
    assert {e.kind for e in only} == {"referral", "share"}
    recent = chronology.apply_filters(entries, since=timezone.localdate() - timedelta(days=12))
    assert recent and all(e.when >= days_ago(13) for e in recent)
    assert "referral" not in {e.kind for e in recent}
    neglect = chronology.apply_filters(entries, category="neglect")
    assert neglect and all(e.category == "neglect" for e in neglect)
    assert "meeting" not in {e.kind for e in neglect}  # meetings belong to no concern


def test_the_page_filters_from_the_query_string(client, dsl, case, pupil):
    sign_in(client, dsl, verified=True)
    page = client.get(url(pupil), {"kind": "referral"}).content.decode()
    assert "MASH referral form sent." in page
    assert ACCOUNT not in page


def test_a_long_chronology_opens_at_its_latest_entries_the_whole_one_link_away(
    client, dsl, case, pupil, monkeypatch
):
    from safeguarding.views import chronology as pages

    every = chronology.entries_for(pupil)
    monkeypatch.setattr(pages, "LATEST_SHOWN", 3)
    sign_in(client, dsl, verified=True)
    page = client.get(url(pupil)).content.decode()
    earlier = len(every) - 3
    assert f"The latest 3 of {len(every)} entries are shown" in page
    assert page.count('<tr class="entry-') == 3
    assert ACCOUNT not in page  # the first concern is the oldest entry: not among the latest
    assert f"{earlier} earlier entr" in page and "whole=1" in page
    whole = client.get(url(pupil), {"whole": "1"}).content.decode()
    assert ACCOUNT in whole and "earlier-entries" not in whole
    # Filters narrow first, then the latest are shown; print and PDF hold every entry chosen.
    assert "earlier-entries" not in client.get(url(pupil), {"kind": "referral"}).content.decode()
    assert ACCOUNT in client.get(url(pupil, "print")).content.decode()


def test_the_number_of_queries_does_not_grow_with_the_entries(
    client, dsl, case, pupil, raise_concern, teacher
):
    sign_in(client, dsl, verified=True)
    client.get(url(pupil))
    with CaptureQueriesContext(connection) as few:
        client.get(url(pupil))
    for n in range(4):
        concern = raise_concern(teacher, [pupil], account=f"Another worry {n}")
        Action(
            concern=concern, owner=dsl, created_by=dsl, description="Check", due_on=date.today()
        ).save()
        Referral(concern=concern, agency="early_help", made_by=dsl, made_at=days_ago(1)).save()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(pupil))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- who may see it ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, pupil):
    for what in ("", "print", "pdf"):
        response = client.get(url(pupil, what))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["teacher", "head", "office", "nurse", "volunteer", "governor", "parent"]
)
def test_only_the_safeguarding_team_opens_a_chronology(client, request, persona, case, pupil):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=persona == "head")
    for what in ("", "print", "pdf"):
        assert client.get(url(pupil, what)).status_code == 404
    assert not accesses(pupil).exists()


def test_the_team_must_confirm_the_second_factor(client, deputy, pupil):
    sign_in(client, deputy)
    response = client.get(url(pupil))
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    assert not accesses(pupil).exists()


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_reads_it_and_each_look_is_audited_once(client, request, persona, case, pupil):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    page = client.get(url(pupil))
    assert page.status_code == 200 and ACCOUNT in page.content.decode()
    assert accesses(pupil, "view").count() == 1


def test_the_print_view_is_audited_as_print(client, dsl, case, pupil):
    sign_in(client, dsl, verified=True)
    response = client.get(url(pupil, "print"))
    assert response.status_code == 200
    assert ACCOUNT in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert accesses(pupil, "print").count() == 1 and accesses(pupil).count() == 1


def test_the_pdf_is_a_real_pdf_download_audited_once_without_its_content(client, dsl, case, pupil):
    sign_in(client, dsl, verified=True)
    response = client.get(url(pupil, "pdf"), {"category": "neglect"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="chronology-{pupil.upn}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert accesses(pupil, "export").count() == 1 and accesses(pupil).count() == 1
    everything = " ".join(
        f"{e.changes_text} {e.additional_data} {e.changes}" for e in LogEntry.objects.all()
    )
    assert ACCOUNT not in everything and "PC Jones" not in everything


def test_an_entry_longer_than_a_page_still_exports(client, dsl, teacher, pupil, raise_concern):
    long_account = "She talked for a long time about home. " * 600 + "x" * 5000
    raise_concern(teacher, [pupil], account=long_account)
    sign_in(client, dsl, verified=True)
    response = client.get(url(pupil, "pdf"))
    assert response.status_code == 200 and response.getvalue().startswith(b"%PDF")


def test_an_export_the_layout_cannot_place_is_made_again_shortened(monkeypatch, pupil, dsl):
    from reportlab.platypus.doctemplate import LayoutError

    from safeguarding import chronology_pdf

    calls = []
    real_build = chronology_pdf._build

    def build(student, entries, by, filters_text, limit=None, **options):
        calls.append(limit)
        if limit is None:
            raise LayoutError("too large on page 5")
        return real_build(student, entries, by, filters_text, limit=limit, **options)

    monkeypatch.setattr(chronology_pdf, "_build", build)
    assert chronology_pdf.render(pupil, [], dsl).startswith(b"%PDF")
    assert calls == [None, chronology_pdf.COMPACT_ENTRY_LIMIT]
    assert chronology_pdf._shorten("x" * 3000, 2000).endswith(chronology_pdf.SHORTENED)
    assert chronology_pdf._shorten("short", 2000) == "short"


def test_an_end_date_before_the_start_is_said_and_nothing_is_hidden(client, dsl, case, pupil):
    sign_in(client, dsl, verified=True)
    wrong = {"since": "2026-03-10", "until": "2026-03-01"}
    for what in ("", "print"):
        response = client.get(url(pupil, what), wrong)
        assert response.status_code == 400
        page = response.content.decode()
        assert "The end date is before the start date." in page
        assert 'value="2026-03-10"' in page  # what was typed stays
        assert ACCOUNT in page  # the chronology in full, not narrowed by a wrong choice
    # Each showed the page: audited as a look, never as a print.
    assert accesses(pupil, "view").count() == 2 and accesses(pupil).count() == 2


def test_every_kind_ticked_is_the_whole_chronology():
    from safeguarding.forms.chronology import EVERY_KIND, ChronologyFilter

    everything = ChronologyFilter({"kind": EVERY_KIND})
    assert everything.chosen()["kinds"] == [] and everything.describe() == ""
    some = ChronologyFilter({"kind": ["note", "decision"]})
    assert some.chosen()["kinds"] == ["note", "decision"]
    assert some.describe() == "only Notes, Decisions not to refer"


@pytest.fixture
def every_kind(case, dsl, pupil):
    """The closed case, and a note, a strategy discussion, a decision not to refer and a plan
    that began and ended: every kind of row, each on its own day."""
    from safeguarding.models import CaseMeeting, CaseNote, DecisionNotToRefer, SafeguardingStatus

    first, _ = case
    note = CaseNote(concern=first, author=dsl, text="Rang the social worker.")
    note.save()
    CaseNote.objects.filter(pk=note.pk).update(created_at=days_ago(27))
    CaseMeeting(
        student=pupil,
        concern=first,
        kind=CaseMeeting.Kind.STRATEGY,
        held_at=days_ago(22),
        attendees="Sam Hill (social worker)",
        discussion="Threshold met.",
        decisions="Section 47 enquiry.",
        recorded_by=dsl,
    ).save()
    DecisionNotToRefer(
        concern=first,
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
        decided_on=timezone.localdate() - timedelta(days=28),
        reasoning="Early help first.",
        decided_by=dsl,
    ).save()
    SafeguardingStatus.objects.create(
        student=pupil,
        kind="cp_plan",
        plan_category="neglect",
        started_on=timezone.localdate() - timedelta(days=21),
        ended_on=timezone.localdate() - timedelta(days=3),
        recorded_by=dsl,
    )
    return case


def _seen(entries):
    return [(e.when, e.kind, e.title, e.detail, e.who, e.link, e.reference) for e in entries]


@pytest.mark.parametrize("most", [1, 3, 7, 1000])
@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"kinds": ["action", "status", "outcome"]},
        {"since": timezone.localdate() - timedelta(days=22)},
        {"until": timezone.localdate() - timedelta(days=12), "kinds": ["concern", "note"]},
        {"category": "neglect"},
    ],
    ids=["all", "kinds", "since", "until-and-kinds", "category"],
)
def test_the_latest_entries_are_the_last_of_the_whole_chronology(every_kind, pupil, most, chosen):
    """The page reads only the rows of the entries it shows (their dates first): it shows exactly
    what the end of the whole chronology, chosen alike, holds."""
    whole = chronology.apply_filters(chronology.entries_for(pupil), **chosen)
    kinds = {e.kind for e in chronology.entries_for(pupil)}
    assert {"note", "case_meeting", "decision", "status", "outcome", "action"} <= kinds
    latest, total = chronology.latest_entries(pupil, most, **chosen)
    assert total == len(whole)
    assert _seen(latest) == _seen(whole[-most:])
