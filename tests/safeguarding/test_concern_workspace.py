"""The concern page as a workspace, one step at a time (issue 11): the record at the top, read
only, with what to do next for where the concern is; each step (triage, an action, a referral,
a share, a note, linking a child, closing) on a small page of its own under a summary of the
concern, which comes back with what was typed and the error summary when something is wrong,
and returns to the concern with a message when it is saved.

And P2 for a child linked after a referral was made: the referral was about them too, so the
link asks whether their student and parents were told first (or why not), and records the
share for them, as for any share."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from records.models import ParentLink
from safeguarding import information_sharing
from safeguarding.models import Action, Concern, InformationShare, Referral
from tests.conftest import sign_in

from .conftest import signed

REASON = "Dad is the alleged harmer; telling the family first would put them at risk."
STEPS = ("triage", "add_action", "add_referral", "add_share", "add_note", "link_children", "close")


@pytest.fixture
def concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil], category="neglect", other_categories=["emotional"])


@pytest.fixture
def dsl_client(client, dsl):
    return sign_in(client, dsl, verified=True)


def step_url(name, concern, **more):
    return reverse(f"safeguarding:{name}", kwargs={"pk": concern.pk, **more})


def concern_url(concern):
    return reverse("safeguarding:concern", kwargs={"pk": concern.pk})


def access_entries(concern):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(concern.pk))


# --- the concern page ----------------------------------------------------------------------


def test_the_concern_page_is_the_record_with_links_to_each_step_and_no_forms_to_fill(
    dsl_client, concern
):
    page = dsl_client.get(concern_url(concern)).content.decode()
    for heading in ("Where it is", "What to do next", "What was logged", "Actions", "Notes"):
        assert f">{heading}</h2>" in page, heading
    assert "Referrals</h2>" in page and "Information shared outside the school</h2>" in page
    for name in STEPS:
        if name != "link_children":  # the child is linked: "Link another child"
            assert f'href="{step_url(name, concern)}"' in page, name
    assert f'href="{step_url("link_children", concern)}">Link another child' in page
    # No step's fields on the record itself: they are on the steps' pages.
    for field in ("triage-level", "action-description", "referral-agency", "note-text"):
        assert f'name="{field}"' not in page, field


def test_the_concern_page_names_every_category(dsl_client, concern):
    page = dsl_client.get(concern_url(concern)).content.decode()
    assert "Neglect (+ Emotional abuse)" in page


def test_what_to_do_next_follows_where_the_concern_is(dsl_client, dsl, concern):
    def offered():
        return dsl_client.get(concern_url(concern)).content.decode()

    page = offered()
    assert f'action="{step_url("acknowledge", concern)}"' in page
    assert f'action="{step_url("reopen", concern)}"' not in page
    concern.acknowledge(by=dsl)
    page = offered()
    assert f'action="{step_url("acknowledge", concern)}"' not in page
    assert f'href="{step_url("close", concern)}"' in page
    concern.close(by=dsl, decision="nfa", rationale="Explained by a fall at football.")
    page = offered()
    assert f'action="{step_url("reopen", concern)}"' in page
    for name in ("close", "triage", "add_action", "add_referral"):
        assert f'href="{step_url(name, concern)}"' not in page, name
    assert f'href="{step_url("add_note", concern)}"' in page  # a note on a closed case


def test_acknowledging_is_one_button_and_comes_back_with_a_message(dsl_client, concern):
    response = dsl_client.post(step_url("acknowledge", concern), follow=True)
    assert response.redirect_chain == [(concern_url(concern), 302)]
    assert f"Concern {concern.reference} acknowledged." in response.content.decode()


# --- each step on its own page -------------------------------------------------------------


@pytest.mark.parametrize("name", STEPS)
def test_each_step_has_its_page_under_a_summary_of_the_concern_and_one_access_entry(
    dsl_client, concern, name
):
    before = access_entries(concern).count()
    response = dsl_client.get(step_url(name, concern))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Concern {concern.reference}" in page and "Neglect (+ Emotional abuse)" in page
    assert f'<a href="{concern_url(concern)}">Back to the concern</a>' in page
    assert f'action="{step_url(name, concern)}"' in page
    assert "What was logged" not in page  # the summary, not the whole record
    assert access_entries(concern).count() == before + 1


def test_the_referral_update_step_shows_that_referral(dsl_client, dsl, concern):
    referral = Referral(concern=concern, agency=Referral.Agency.EARLY_HELP, made_by=dsl)
    referral.save()
    url = step_url("update_referral", concern, referral_pk=referral.pk)
    page = dsl_client.get(url).content.decode()
    assert "Update the referral to early help" in page and f'action="{url}"' in page
    assert f'href="{url}"' in dsl_client.get(concern_url(concern)).content.decode()


@pytest.mark.parametrize("name", STEPS)
def test_outside_the_team_a_step_page_is_a_404_and_nothing_is_recorded(
    client, teacher, concern, name
):
    sign_in(client, signed(teacher), verified=True)
    assert client.get(step_url(name, concern)).status_code == 404
    assert not access_entries(concern).exists()


def test_a_step_page_needs_a_signed_in_verified_member_of_the_team(client, dsl, concern):
    url = step_url("triage", concern)
    assert client.get(url)["Location"].startswith(reverse("login"))
    sign_in(client, dsl)  # the second factor not yet confirmed
    assert client.get(url)["Location"].startswith("/accounts/two-factor/verify/")
    assert not access_entries(concern).exists()


def test_a_step_sent_with_an_error_comes_back_with_what_was_typed_and_the_summary(
    dsl_client, deputy, concern
):
    response = dsl_client.post(
        step_url("triage", concern),
        {
            "triage-assigned_to": deputy.pk,
            "triage-level": "monitor",
            "triage-level_reason": "",
            "triage-category": "neglect",
            "triage-other_categories": ["emotional"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The summary comes first in the page, links to the field, and the error is by the field.
    assert page.index('id="error-summary"') < page.index("<h1")
    assert '<a href="#id_triage-level_reason">Say why you chose this level.</a>' in page
    assert 'id="id_triage-level_reason_error"' in page
    assert "<title>Error: Triage" in page
    assert f'<option value="{deputy.pk}" selected>' in page
    assert '<option value="monitor" selected>' in page
    assert "What was logged" not in page  # the step's own page, not the whole record
    concern.refresh_from_db()
    assert concern.level == ""


def test_a_step_saved_goes_back_to_the_concern_with_a_message(dsl_client, concern):
    response = dsl_client.post(
        step_url("add_note", concern), {"note-text": "Spoke to mum at pick-up."}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(concern_url(concern))
    page = response.content.decode()
    assert "Note added." in page and "Spoke to mum at pick-up." in page


def test_an_empty_note_is_refused_on_its_own_page(dsl_client, concern):
    response = dsl_client.post(step_url("add_note", concern), {"note-text": ""})
    assert response.status_code == 400
    assert 'href="#id_note-text"' in response.content.decode()
    assert not concern.notes.exists()


def test_a_close_without_a_decision_stays_on_the_close_page(dsl_client, concern):
    typed = "Explained by a fall at football."
    response = dsl_client.post(step_url("close", concern), {"close-rationale": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_close-decision"' in page and typed in page
    concern.refresh_from_db()
    assert not concern.is_closed


def test_the_close_page_of_a_closed_concern_offers_to_reopen_it(dsl_client, dsl, concern):
    concern.close(by=dsl, decision="nfa", rationale="Explained by a fall at football.")
    page = dsl_client.get(step_url("close", concern)).content.decode()
    assert f'action="{step_url("reopen", concern)}"' in page
    assert 'name="close-decision"' not in page


def test_a_concern_about_an_adult_has_no_share_or_link_step(client, teacher, ta, dsl, head):
    from .test_concerns_about_adults import raise_about

    concern = raise_about(signed(teacher), ta)
    sign_in(client, dsl, verified=True)
    page = client.get(concern_url(concern)).content.decode()
    assert step_url("add_share", concern) not in page
    assert step_url("link_children", concern) not in page
    assert client.get(step_url("add_share", concern)).status_code == 404
    assert client.get(step_url("link_children", concern)).status_code == 404
    assert client.get(step_url("triage", concern)).status_code == 200


# --- triage: the linked concerns' labels ---------------------------------------------------


def test_triage_names_every_category_of_a_concern_it_may_link(
    dsl_client, raise_concern, teacher, pupil, concern
):
    earlier = raise_concern(teacher, [pupil], category="physical", other_categories=["fgm"])
    page = dsl_client.get(step_url("triage", concern)).content.decode()
    assert f"{earlier.reference}: Physical abuse (+ Female genital mutilation (FGM))" in page


# --- linking a child after a referral was made (P2) ----------------------------------------


def link_data(student, part="subject", **told):
    data = {
        "link-TOTAL_FORMS": "1",
        "link-INITIAL_FORMS": "0",
        "link-MIN_NUM_FORMS": "0",
        "link-MAX_NUM_FORMS": "1000",
        "link-0-student": str(student.pk),
        "link-0-part": part,
    }
    data.update({f"told-{name}": value for name, value in told.items()})
    return data


def refer(concern, dsl, agency=Referral.Agency.CHILDRENS_SOCIAL_CARE, made=True):
    referral = Referral(
        concern=concern,
        agency=agency,
        method=Referral.Method.WRITTEN,
        made_at=timezone.now() - timedelta(hours=1) if made else None,
        made_by=dsl,
        contact="MASH duty worker",
        student_told=True,
        parents_told=True,
    )
    return information_sharing.record_referral(referral, by=dsl)


@pytest.fixture
def sister(student_factory, parent):
    child = student_factory(first_name="Amy", last_name="Quinn")
    ParentLink.objects.create(parent=parent, student=child, relationship="mother")
    return child


def test_with_no_referral_made_the_link_asks_nothing_more_and_shares_nothing(
    dsl_client, dsl, concern, sister
):
    refer(concern, dsl, made=False)  # decided, not yet made: nothing shared yet
    page = dsl_client.get(step_url("link_children", concern)).content.decode()
    assert 'name="told-reason_not_told"' not in page
    response = dsl_client.post(step_url("link_children", concern), link_data(sister))
    assert response.status_code == 302
    assert Concern.objects.about(sister).exists()
    assert not InformationShare.objects.exists()


def test_a_lado_referral_asks_nothing_more_of_a_child_linked_later(
    dsl_client, dsl, concern, sister
):
    refer(concern, dsl, agency=Referral.Agency.LADO)
    assert 'name="told-student_told"' not in (
        dsl_client.get(step_url("link_children", concern)).content.decode()
    )
    assert dsl_client.post(step_url("link_children", concern), link_data(sister)).status_code == 302
    assert not InformationShare.objects.about(sister).exists()


def test_after_a_referral_the_link_asks_whether_the_new_child_and_parents_were_told(
    dsl_client, dsl, concern, pupil, sister
):
    refer(concern, dsl)
    assert InformationShare.objects.about(pupil).count() == 1
    page = dsl_client.get(step_url("link_children", concern)).content.decode()
    assert 'name="told-student_told"' in page and 'name="told-reason_not_told"' in page
    assert "A referral was already made on this concern (children&#x27;s social care" in page
    response = dsl_client.post(step_url("link_children", concern), link_data(sister))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.index('id="error-summary"') < page.index("<h1")
    assert 'href="#id_told-reason_not_told"' in page
    assert "The student and the parents must be told first" in page
    assert f'<option value="{sister.pk}" selected>' in page  # nothing typed is lost
    assert not Concern.objects.about(sister).exists()
    assert not InformationShare.objects.about(sister).exists()


def test_the_share_is_recorded_for_the_new_child_only_once_with_the_notice_and_support(
    dsl_client, dsl, concern, pupil, sister, parent, django_capture_on_commit_callbacks
):
    referral = refer(concern, dsl)
    with django_capture_on_commit_callbacks(execute=True):
        response = dsl_client.post(
            step_url("link_children", concern),
            link_data(sister, **{"student_told": "on", "parents_told": "on"}),
            follow=True,
        )
    assert (
        "The referral already made is recorded as an information share for them"
        in response.content.decode()
    )
    share = InformationShare.objects.about(sister).get()
    assert share.referral == referral and share.student_told and share.parents_told
    assert share.parents_notified_at is not None
    assert InformationShare.objects.about(pupil).count() == 1  # the first child's, unchanged
    notices = information_sharing.p2_notices(sister, parent=parent)
    assert len(notices) == 1 and "Children's social care" in notices[0].body
    support = [a.description for a in Action.objects.filter(concern=concern)]
    assert sum(d.startswith(f"Support {sister} ") for d in support) == 1
    # Once: the same child again is refused, and the verb itself shares nothing twice.
    again = dsl_client.post(
        step_url("link_children", concern), link_data(sister, student_told="on", parents_told="on")
    )
    assert again.status_code == 400
    told = information_sharing.ToldFirst(True, True)
    information_sharing.link_children(concern, [(sister, "subject")], by=dsl, told=told)
    assert InformationShare.objects.about(sister).count() == 1


def test_a_reason_is_enough_when_the_new_childs_family_was_not_told(
    dsl_client, dsl, concern, sister, parent
):
    refer(concern, dsl)
    response = dsl_client.post(
        step_url("link_children", concern), link_data(sister, reason_not_told=REASON)
    )
    assert response.status_code == 302
    share = InformationShare.objects.about(sister).get()
    assert not share.parents_told and share.reason_not_told == REASON
    assert share.parents_notified_at is None
    assert information_sharing.p2_notices(sister, parent=parent) == []


def test_a_brother_or_sister_linked_as_such_is_not_whom_the_referral_was_about(
    dsl_client, dsl, concern, sister
):
    refer(concern, dsl)
    response = dsl_client.post(step_url("link_children", concern), link_data(sister, "sibling"))
    assert response.status_code == 302
    assert Concern.objects.about(sister).exists()
    assert not InformationShare.objects.about(sister).exists()
