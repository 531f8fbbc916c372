"""Every form shows the one error pattern (issue 13): a refused post answers 400 with the error
summary at the top (focused on load by static/js/error-summary.js), each error a link to the
control that takes the answer, the page title starting "Error: ", and no choice that reads
"- Select an option -". The walk over the templates keeps a new form from being born without it;
the posts check the pages people reported, end to end."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from records.models import DiscussionPermission, ParentLink
from tests.conftest import sign_in

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Other helpers' pages (transfers, subject access, retention) and the pieces every form uses.
NOT_WALKED = ("transfers/", "subject_access/", "retention/", "includes/")
# Pieces of a page, included in a page that has the summary, or forms that post elsewhere and
# come back with a message (never with errors on this page).
PIECES = {
    "safeguarding/raising/child_picker.html",  # in concern_form.html, whose summary covers it
    "safeguarding/raising/chosen_child.html",  # likewise
    "records/includes/support.html",  # on the student page: each form posts to its own page
    "safeguarding/training_mine.html",  # "I have read it" posts elsewhere, back with a message
    # The head's report: an item is added on its own page, which has the summary when refused.
    "governance/report_detail.html",
}
RENDERS_FIELDS = re.compile(r"includes/form_fields\.html|includes/field\.html")
EXTENDS = re.compile(r'{%\s*extends\s+"([^"]+)"')


def _has_summary(name: str) -> bool:
    text = (TEMPLATES / name).read_text()
    if "error_summary.html" in text:
        return True
    parent = EXTENDS.search(text)
    return bool(parent) and parent.group(1) != "base.html" and _has_summary(parent.group(1))


def test_every_form_template_shows_the_error_summary():
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(NOT_WALKED) or name in PIECES:
            continue
        if RENDERS_FIELDS.search(path.read_text()) and not _has_summary(name):
            missing.append(name)
    assert missing == []


def test_the_walk_sees_the_forms_it_guards():
    # A walk that found nothing would pass for ever: the pages people reported are in it.
    for name in (
        "safeguarding/adult_concern_form.html",
        "safeguarding/advice_ask.html",
        "two_factor/verify.html",
        "portal/discussion.html",
        "records/learning_form.html",
        "agreement/sign.html",
    ):
        assert RENDERS_FIELDS.search((TEMPLATES / name).read_text()) and _has_summary(name)


@pytest.fixture
def childs_parent(pupil, parent):
    ParentLink.objects.create(
        parent=parent, student=pupil, relationship=ParentLink.Relationship.MOTHER
    )
    return parent


@pytest.fixture
def permission(client, teacher, pupil, oak, childs_parent):
    sign_in(client, teacher).post(
        f"/records/students/{pupil.pk}/discussion-permission/new/",
        {"teaching_group": oak.pk, "topic": "Maya's diabetes: what the class can do to help"},
    )
    return DiscussionPermission.objects.get()


def _refused(client, url, data=None):
    # A browser always sends the form's hidden token, so a form sent empty is still a post with
    # data (an empty post would read as the page simply being opened).
    response = client.post(url, {"csrfmiddlewaretoken": "sent", **(data or {})})
    page = response.content.decode()
    assert response.status_code == 400, url
    assert 'id="error-summary"' in page and 'role="alert"' in page, url
    assert re.search(r"<title>\s*Error: ", page), url
    assert "Select an option" not in page, url
    # Every link of the summary leads to an element of the page.
    for target in re.findall(r'<div class="alert error-summary".*?</div>', page, re.S):
        for anchor in re.findall(r'href="#([^"]+)"', target):
            assert f'id="{anchor}"' in page, (url, anchor)
    return page


@pytest.mark.parametrize(
    "url",
    [
        "/safeguarding/adults/log/",
        "/safeguarding/advice/ask/",
        "/records/students/{pupil}/grades/new/",
        "/records/students/{pupil}/progress/new/",
        "/records/students/{pupil}/discussion-permission/new/",
    ],
)
def test_a_teachers_refused_post_shows_the_summary(client, teacher, pupil, url):
    sign_in(client, teacher)
    url = url.format(pupil=pupil.pk)
    assert "Select an option" not in client.get(url).content.decode()
    _refused(client, url)


def test_the_adult_concern_summary_lists_each_error_first(client, teacher):
    page = _refused(sign_in(client, teacher), "/safeguarding/adults/log/")
    assert page.index('id="error-summary"') < page.index("Before you start")
    assert 'href="#id_person"' in page
    assert 'href="#id_nature_0"' in page  # a group of radios: its first option


def test_the_advice_error_is_at_the_top_not_below_the_list_of_children(client, teacher, pupil):
    page = _refused(sign_in(client, teacher), "/safeguarding/advice/ask/")
    assert page.index('id="error-summary"') < page.index("Quinn, Maya")
    assert "No child in particular" in page


def test_two_factor_verify_shows_the_summary(client, teacher):
    sign_in(client, teacher)
    TOTPDevice.objects.create(user=teacher, name="phone", confirmed=True)
    page = _refused(client, "/accounts/two-factor/verify/", {"token": "000000"})
    assert 'href="#id_token"' in page


def test_the_parents_permission_page_shows_the_summary(client, permission, childs_parent):
    sign_in(client, childs_parent)
    page = _refused(client, f"/portal/permissions/{permission.pk}/")
    assert "Choose yes or no" in page
    assert 'href="#id_granted_0"' in page  # the first of the two answers


def test_the_parents_meeting_request_shows_the_summary(client, pupil, childs_parent):
    sign_in(client, childs_parent)
    _refused(client, f"/portal/children/{pupil.pk}/ask-to-meet/")


def test_the_agreement_page_shows_the_summary(client, volunteer):
    sign_in(client, volunteer, agreed=False)
    from confidentiality.models import ConfidentialityAgreement

    current = ConfidentialityAgreement.objects.current()
    _refused(client, "/agreement/", {"version": current.version})


def test_a_staff_choice_names_the_role_once(client, teacher, make_user):
    from confidentiality.forms import person_label
    from confidentiality.roles import Role

    amy = make_user("amy", Role.TEACHING_ASSISTANT)
    amy.first_name, amy.last_name = "Amy", "Lewis"
    amy.job_title = "Teaching assistant"
    assert person_label(amy, with_role=True) == "Amy Lewis – Teaching assistant"
    amy.job_title = "Year 2 support"
    assert person_label(amy, with_role=True) == "Amy Lewis – Teaching assistant (Year 2 support)"
