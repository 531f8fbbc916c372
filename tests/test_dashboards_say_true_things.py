"""Every dashboard says true things about the person reading it (issue 13, everyday use).

For each person of the demo school (``seed_demo``), through the test client: every statement of
their first page is checked against their own data in the database — the pupils they may open,
their classes and the children assigned to them (named, exactly theirs), their tasks, what waits
for them; no panel says "nothing" above things that say otherwise; a parent's waiting questions
come first, each a link to answer it, and are gone once answered; a parent reads the school's
name and "Parents’ portal" in the header, staff their own header; and an alert's way on is a
real link, never an address in brackets."""

import re
from html.parser import HTMLParser

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.models import User
from confidentiality.roles import Role
from governance.models import Meeting
from governance.policy import VIEW_MEETING
from records.models import (
    DiscussionPermission,
    MeetingRequest,
    ParentLink,
    PhotoConsent,
    PhotoPurpose,
    Student,
    SupportAssignment,
    TalkRequest,
    TeachingGroup,
)
from records.policy import ANY_STUDENT_VIEW, FAMILY_CONTACT, VIEW_TALK_REQUEST
from safeguarding.models import Action, Alert, Concern
from safeguarding.policy import CASEWORK
from tests.conftest import sign_in

STAFF_HEADER = "Confidentiality & safeguarding"
PARENTS_HEADER = "Parents’ portal"
# An address in brackets, as the alerts used to say where to go ("(/accounts/two-factor/)").
RAW_PATH = re.compile(r"\(/[\w\-./]*\)|(?<![\w\"'=])/[a-z][\w\-]*/[\w\-./]*")


class Dashboard(HTMLParser):
    """The parts of the first page a person reads: the header's sub-title, the dashboard's alerts
    (their text and links; not the safeguarding team's box beside the page) and each panel
    (title, body, items with their links, empty text, standing links), in the order shown."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.header = ""
        self.alerts: list[dict] = []
        self.panels: list[dict] = []
        self._stack: list[tuple[str, str]] = []  # (tag, class) of open elements we follow
        self._link: dict | None = None
        self._text: list[str] = []
        self.feed(html)

    def _inside(self, tag, cls="") -> bool:
        return any(t == tag and (not cls or cls in c.split()) for t, c in self._stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        cls = attributes.get("class") or ""
        if tag in ("div", "section", "ul", "li", "p", "h2", "span", "a"):
            self._stack.append((tag, cls))
        if tag == "section" and "panel" in cls.split():
            self.panels.append(
                {"title": "", "body": "", "items": [], "empty": "", "links": [], "muted": []}
            )
        if tag == "p" and "alert" in cls.split() and self._inside("div", "alerts"):
            self.alerts.append({"text": "", "links": []})
        if tag == "a":
            self._link = {"label": "", "url": attributes.get("href", "")}
        if tag in ("p", "li", "h2", "span"):
            self._text = []

    def handle_data(self, data):
        self._text.append(data)
        if self._link is not None:
            self._link["label"] += data
        if self._inside("span", "site-sub"):
            self.header += data
        if self._inside("div", "alerts") and self._inside("p", "alert"):
            self.alerts[-1]["text"] += data

    def handle_endtag(self, tag):
        if not self._stack or tag not in ("div", "section", "ul", "li", "p", "h2", "span", "a"):
            return
        open_tag, cls = self._stack.pop()
        text = " ".join("".join(self._text).split())
        panel = self.panels[-1] if self.panels and self._inside("section", "panel") else None
        if tag == "a" and self._link is not None:
            link = {"label": " ".join(self._link["label"].split()), "url": self._link["url"]}
            self._link = None
            if self._inside("div", "alerts"):
                self.alerts[-1]["links"].append(link)
            elif panel is not None and self._inside("ul", "links"):
                panel["links"].append(link)
            elif panel is not None and self._inside("ul", "items"):
                panel["_item_link"] = link  # the item's, taken when its <li> ends
        if panel is None:
            return
        if tag == "h2":
            panel["title"] = text
        elif tag == "p" and "muted" in cls.split():
            panel["empty"] = text
        elif tag == "p":
            panel["body"] = text
        elif tag == "li" and self._inside("ul", "items"):
            panel["items"].append(
                {"label": text, "url": panel.pop("_item_link", {}).get("url", "")}
            )

    def panel(self, title) -> dict | None:
        found = [p for p in self.panels if p["title"] == title]
        return found[0] if found else None

    def labels(self, title) -> list[str]:
        return [item["label"] for item in self.panel(title)["items"]]


def dashboard_of(client, user) -> tuple[Dashboard, object]:
    client.logout()
    sign_in(client, user, verified=user.needs_second_factor)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return Dashboard(response.content.decode()), response.wsgi_request


def person(username) -> User:
    return User.objects.get(username=username)


def plural(n, word, many=None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def assert_nothing_contradicts(page: Dashboard):
    """No panel says "none" above things it has; every alert's way on is a link."""
    for panel in page.panels:
        assert not (panel["empty"] and panel["items"]), panel
    for alert in page.alerts:
        assert not RAW_PATH.search(alert["text"]), alert


def expected_pupils_panel(request, user) -> tuple[str, list[str]]:
    """What "Your pupils" must say of ``user``, from the database."""
    may_open = access.visible(request, Student.objects.all(), ANY_STUDENT_VIEW).count()
    classes = [
        f"Class {group.name}: {plural(group.students.count(), 'pupil')}"
        for group in TeachingGroup.objects.filter(staff=user).order_by("name")
    ]
    assigned = [
        f"{a.student}: assigned to you as {a.get_kind_display().lower()}"
        for a in SupportAssignment.objects.filter(staff=user).order_by(
            "student__last_name", "student__first_name", "kind"
        )
    ]
    return may_open, classes + assigned


# --- the people who may open every pupil's record --------------------------------------------


@pytest.mark.parametrize("username", ["dsl", "deputy", "head", "office"])
def test_those_who_keep_the_roll_are_told_they_may_open_every_pupil(client, demo_school, username):
    user = person(username)
    page, request = dashboard_of(client, user)
    pupils = page.panel("Your pupils")
    on_roll = Student.objects.count()
    assert on_roll == 60
    assert pupils["body"] == f"You may open the record of every pupil: {on_roll} on the roll."
    assert access.visible(request, Student.objects.all(), ANY_STUDENT_VIEW).count() == on_roll
    assert pupils["empty"] == ""  # never "You have no class" above the whole school
    _, expected = expected_pupils_panel(request, user)
    assert [item["label"] for item in pupils["items"]] == expected
    assert_nothing_contradicts(page)


def test_the_deputy_sees_her_own_class_named_and_counted(client, demo_school):
    page, request = dashboard_of(client, person("deputy"))
    ash = TeachingGroup.objects.get(name="5 Ash")
    assert page.labels("Your pupils") == [f"Class 5 Ash: {ash.students.count()} pupils"]
    assert page.panel("Your pupils")["items"][0]["url"] == reverse(
        "records:class_detail", args=[ash.pk]
    )


# --- those whose pupils are their classes and the children assigned to them --------------------


@pytest.mark.parametrize("username", ["teacher", "ta", "nurse"])
def test_the_pupils_panel_names_exactly_this_persons_classes_and_children(
    client, demo_school, username
):
    user = person(username)
    page, request = dashboard_of(client, user)
    pupils = page.panel("Your pupils")
    may_open, expected = expected_pupils_panel(request, user)
    # The database's own answer: the pupils of their classes and those assigned to them.
    theirs = (
        Student.objects.filter(Q(teaching_groups__staff=user) | Q(support__staff=user))
        .distinct()
        .count()
    )
    assert may_open == theirs > 0
    assert pupils["body"].startswith(f"You may open the records of {plural(theirs, 'pupil')}")
    assert [item["label"] for item in pupils["items"]] == expected
    assert pupils["empty"] == ""
    assert_nothing_contradicts(page)


def test_the_nurse_is_told_of_her_three_children_not_that_she_has_none(client, demo_school):
    nurse = person("nurse")
    page, _ = dashboard_of(client, nurse)
    pupils = page.panel("Your pupils")
    assigned = SupportAssignment.objects.filter(staff=nurse).select_related("student")
    assert assigned.count() == 3
    assert pupils["body"] == "You may open the records of 3 pupils: the 3 children assigned to you."
    assert {item["url"] for item in pupils["items"]} == {
        reverse("records:student_detail", args=[a.student_id]) for a in assigned
    }
    assert "no class" not in str(page.panels).lower()


def test_the_ta_is_told_of_her_class_and_the_child_she_supports(client, demo_school):
    ta = person("ta")
    page, _ = dashboard_of(client, ta)
    (supported,) = SupportAssignment.objects.filter(staff=ta)
    oak = TeachingGroup.objects.get(name="3 Oak")
    assert page.labels("Your pupils") == [
        f"Class 3 Oak: {oak.students.count()} pupils",
        f"{supported.student}: assigned to you as teaching assistant",
    ]
    assert page.panel("Your pupils")["body"].endswith(": your class and the child assigned to you.")


def test_someone_with_no_class_and_no_child_is_told_so(client, demo_school, make_user):
    newcomer = make_user("new_ta", Role.TEACHING_ASSISTANT)
    page, _ = dashboard_of(client, newcomer)
    pupils = page.panel("Your pupils")
    assert pupils["items"] == [] and pupils["body"] == ""
    assert pupils["empty"].startswith("You may not open any pupil's record yet")


# --- the volunteer --------------------------------------------------------------------------


def test_the_volunteer_sees_where_they_help_and_no_pupils(client, demo_school):
    volunteer = person("volunteer")
    page, _ = dashboard_of(client, volunteer)
    assert page.panel("Your pupils") is None  # a placement opens no record (P11)
    assert not volunteer.teaching_groups.exists()
    assert page.panel("Where you help")["empty"] == "The school has not placed you in a class yet."
    TeachingGroup.objects.get(name="4 Elm").staff.add(volunteer)
    page, _ = dashboard_of(client, volunteer)
    where = page.panel("Where you help")
    assert where["body"] == "The school has placed you in 1 class."
    assert where["items"] == [{"label": "Class 4 Elm", "url": ""}] and where["empty"] == ""


# --- tasks, talk requests, families, safeguarding: counts equal the database -------------------


@pytest.mark.parametrize("username", ["dsl", "deputy", "teacher", "ta", "volunteer"])
def test_the_tasks_panel_counts_and_links_this_persons_tasks(client, demo_school, username):
    user = person(username)
    page, _ = dashboard_of(client, user)
    outstanding = Action.objects.filter(owner=user, done_at__isnull=True)
    tasks = page.panel("Your safeguarding tasks")
    if username == "teacher":
        assert outstanding.exists()  # the demo's class teacher has tasks: the check is real
    if not outstanding.exists():
        assert tasks is None  # nothing to do: nothing is said
        return
    assert tasks["body"].startswith(f"{plural(outstanding.count(), 'task')} to do")
    assert {item["url"] for item in tasks["items"]} == {
        reverse("safeguarding:task", kwargs={"pk": pk})
        for pk in outstanding.order_by("due_on", "created_at").values_list("pk", flat=True)[:5]
    }


def test_the_talk_requests_panel_names_the_pupils_waiting_for_this_person(client, demo_school):
    ta = person("ta")
    page, request = dashboard_of(client, ta)
    waiting = access.visible(request, TalkRequest.objects.open().for_person(ta), VIEW_TALK_REQUEST)
    panel = page.panel("Pupils who would like to talk to you")
    assert waiting.count() == 1
    assert panel["body"] == "1 pupil is waiting to talk to you." and panel["empty"] == ""
    assert panel["items"][0]["label"].startswith(str(waiting.get().student))
    # Nobody waits for the teacher: the panel says so, and lists no one.
    page, _ = dashboard_of(client, person("teacher"))
    panel = page.panel("Pupils who would like to talk to you")
    assert panel["items"] == [] and panel["empty"] == "No pupil is waiting to talk to you."


@pytest.mark.parametrize("username", ["teacher", "head", "office"])
def test_the_families_panel_counts_what_waits_for_this_persons_reply(client, demo_school, username):
    page, request = dashboard_of(client, person(username))
    waiting = access.visible(request, MeetingRequest.objects.open(), FAMILY_CONTACT).count()
    body = page.panel("Families")["body"]
    if waiting:
        assert body.startswith(f"{plural(waiting, 'request')} from parents to meet")
    else:
        assert body == "No parent's request to meet is waiting for your reply."


@pytest.mark.parametrize("username", ["dsl", "deputy"])
def test_the_safeguarding_panel_counts_equal_the_database(client, demo_school, username):
    user = person(username)
    page, request = dashboard_of(client, user)
    concerns = access.visible(request, Concern.objects.about_children().open(), CASEWORK)
    unread = Alert.objects.for_user(user).unread().count()
    items = page.labels("Safeguarding")
    assert items[0].startswith(f"{concerns.urgent_unacknowledged().count()} urgent concern")
    assert items[1].startswith(f"{concerns.awaiting_dsl().count()} new concern")
    assert items[3] == f"{plural(unread, 'unread alert')}"
    assert "(P3)" not in page.panel("Safeguarding")["body"]


@pytest.mark.parametrize("username", ["governor", "clerk", "head"])
def test_the_governing_body_panel_says_true_things(client, demo_school, username):
    user = person(username)
    page, request = dashboard_of(client, user)
    meetings = access.visible(request, Meeting.objects.all(), VIEW_MEETING)
    panel = page.panel("Governing body")
    assert meetings.exists()
    assert panel["empty"] == ""  # never "No meetings have been recorded" while there are some
    upcoming = meetings.upcoming().first()
    labels = [item["label"] for item in panel["items"]]
    if upcoming is None:
        assert labels[0] == "No meeting is planned yet."
    else:
        assert labels[0].startswith(f"Next meeting: {upcoming.get_committee_display()}")
    if username in ("governor", "clerk"):
        past = meetings.filter(held_at__lt=timezone.now())
        to_approve = past.filter(minutes_approved_at__isnull=True).count()
        said = (
            f"{plural(to_approve, 'meeting')} with minutes to approve"
            if to_approve
            else "No meeting's minutes are waiting to be approved"
        )
        assert said in labels
    else:  # the head neither approves nor publishes the minutes: nothing is said of them
        assert not any("minutes" in label for label in labels)
    assert_nothing_contradicts(page)


# --- every person: nothing contradicts, the header is theirs ------------------------------------


@pytest.mark.parametrize(
    "username",
    ["dsl", "deputy", "head", "teacher", "ta", "office", "volunteer", "nurse", "governor", "clerk"],
)
def test_staff_keep_their_header_and_no_panel_contradicts_itself(client, demo_school, username):
    page, _ = dashboard_of(client, person(username))
    assert page.header == STAFF_HEADER
    assert page.panels
    assert_nothing_contradicts(page)
    assert page.panel("My children") is None and page.panel("Waiting for you") is None


# --- the parent with two children -------------------------------------------------------------


def test_a_parent_sees_her_two_children_and_never_no_child_is_linked(client, demo_school):
    parent = person("parent")
    page, _ = dashboard_of(client, parent)
    children = Student.objects.filter(parent_links__parent=parent).order_by(
        "last_name", "first_name", "pk"
    )
    assert children.count() == 2
    mine = page.panel("My children")
    assert mine["items"] == [
        {
            "label": f"{child} – Year {child.year_group}",
            "url": reverse("portal:child", args=[child.pk]),
        }
        for child in children
    ]
    assert mine["empty"] == "" and "No child is linked" not in str(page.panels)
    assert_nothing_contradicts(page)


def test_a_parent_reads_the_schools_name_and_parents_portal(client, demo_school, settings):
    parent = person("parent")
    client.logout()
    sign_in(client, parent)
    child = Student.objects.filter(parent_links__parent=parent).first()
    for url in (
        reverse("dashboard"),
        reverse("portal:home"),
        reverse("portal:child", args=[child.pk]),
    ):
        html = client.get(url).content.decode()
        page = Dashboard(html)
        assert page.header == PARENTS_HEADER, url
        assert f">{settings.SCHOOL_NAME}</a>" in html
        assert "Confidentiality &amp; safeguarding" not in html and "Dashboard" not in html


def test_the_permission_waiting_for_a_parents_answer_comes_first_until_answered(
    client, demo_school
):
    parent = person("parent")
    (permission,) = DiscussionPermission.objects.awaiting_answer().filter(
        student__parent_links__parent=parent
    )
    page, _ = dashboard_of(client, parent)
    first = page.panels[0]
    assert first["title"] == "Waiting for you"
    ask = reverse("portal:discussion", args=[permission.pk])
    assert {
        "label": f"May we discuss {permission.student}'s situation with "
        f"{permission.student.first_name}'s class ({permission.teaching_group})? Give your answer",
        "url": ask,
    } in first["items"]
    # The portal's home asks the same question, above the children.
    home = client.get(reverse("portal:home")).content.decode()
    assert home.index(ask) < home.index("/portal/children/")
    client.post(ask, {"granted": "yes"})
    permission.refresh_from_db()
    assert permission.answer == DiscussionPermission.Answer.GRANTED
    page, _ = dashboard_of(client, parent)
    assert page.panel("Waiting for you") is None  # nothing else waits: nothing is said
    assert page.panels[0]["title"] == "My children"
    assert "Waiting for you" not in client.get(reverse("portal:home")).content.decode()


def test_photograph_consent_and_a_meeting_reply_wait_until_answered_and_read(client, demo_school):
    parent = person("parent2")
    child = Student.objects.get(
        meeting_requests__requested_by=parent, meeting_requests__answered_at__isnull=False
    )
    answered = set(PhotoConsent.objects.filter(student=child).values_list("purpose", flat=True))
    missing = [p for p in PhotoPurpose if p.value not in answered]
    assert missing  # the demo family has not answered for every use
    page, _ = dashboard_of(client, parent)
    waiting = page.panels[0]
    assert waiting["title"] == "Waiting for you"
    photographs = reverse("portal:photo_consent", args=[child.pk])
    reply = reverse("portal:child", args=[child.pk]) + "#meetings"
    assert [item["url"] for item in waiting["items"]] == [photographs, reply]
    assert waiting["items"][0]["label"] == (
        f"Photographs of {child}: {plural(len(missing), 'use')} "
        f"{'is' if len(missing) == 1 else 'are'} waiting for your answer"
    )
    # Reading the reply (the child's page, where it is) takes it off the list.
    assert client.get(reverse("portal:child", args=[child.pk])).status_code == 200
    page, _ = dashboard_of(client, parent)
    assert [item["url"] for item in page.panels[0]["items"]] == [photographs]
    for purpose in missing:
        client.post(photographs, {"purpose": purpose.value, "given": "no"})
    page, _ = dashboard_of(client, parent)
    assert page.panel("Waiting for you") is None
    assert page.panels[0]["title"] == "My children"


def test_an_emergency_contact_is_not_asked_what_only_parents_answer(client, demo_school):
    parent = person("parent")
    ParentLink.objects.filter(parent=parent).update(parental_responsibility=False)
    page, _ = dashboard_of(client, parent)
    assert page.panel("Waiting for you") is None
    assert len(page.panel("My children")["items"]) == 2


# --- the parent with no child ------------------------------------------------------------------


def test_a_parent_with_no_child_is_told_so_and_shown_nothing_else(client, demo_school, make_user):
    newcomer = make_user("new_parent", Role.PARENT)
    page, _ = dashboard_of(client, newcomer)
    mine = page.panel("My children")
    assert mine["items"] == [] and mine["body"] == ""
    assert (
        mine["empty"] == "No child is linked to your account yet. Please contact the school office."
    )
    assert page.panel("Waiting for you") is None
    assert page.header == PARENTS_HEADER


# --- alerts carry links --------------------------------------------------------------------------


def test_the_second_factor_alert_is_a_link(client, demo_school):
    dsl = person("dsl")
    client.logout()
    sign_in(client, dsl)  # second factor not confirmed
    page = Dashboard(client.get(reverse("dashboard")).content.decode())
    (alert,) = page.alerts
    # The demo DSL has no authenticator app yet: the way on is setting one up.
    assert alert["links"] == [
        {"label": "Set up two-factor sign-in", "url": reverse("two_factor:setup")}
    ]
    assert_nothing_contradicts(page)


def test_the_no_dsl_alert_links_to_the_team_page_for_those_who_appoint(client, head, teacher):
    page = Dashboard(
        sign_in(client, head, verified=True).get(reverse("dashboard")).content.decode()
    )
    (alert,) = page.alerts
    assert alert["text"].startswith("No Designated Safeguarding Lead is appointed.")
    assert alert["links"] == [
        {"label": "Appoint a DSL on the safeguarding team page", "url": reverse("team")}
    ]
    assert_nothing_contradicts(page)
    client.logout()
    page = Dashboard(sign_in(client, teacher).get(reverse("dashboard")).content.decode())
    (alert,) = page.alerts
    assert alert["links"] == [] and "the head teacher should appoint a DSL now" in alert["text"]
    assert_nothing_contradicts(page)


# --- the parent's first page costs the same whatever the size of the family --------------------


def test_a_parents_home_page_queries_do_not_grow_with_their_children(
    client, parent, student_factory
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(captured)

    sign_in(client, parent)
    ParentLink.objects.create(
        parent=parent, student=student_factory(), relationship=ParentLink.Relationship.MOTHER
    )
    queries()  # the first visit after signing in also settles the session
    one = queries()
    for _ in range(3):
        ParentLink.objects.create(
            parent=parent, student=student_factory(), relationship=ParentLink.Relationship.MOTHER
        )
    page = Dashboard(client.get(reverse("dashboard")).content.decode())
    assert len(page.panel("My children")["items"]) == 4
    # Every child's photographs wait for an answer: four questions, still no more queries.
    assert len(page.panels[0]["items"]) == 4
    assert queries() == one


# --- a part the database cannot count -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_panel_the_database_cannot_count_is_said_and_the_rest_of_the_page_stands(
    client, dsl, teacher, pupil, monkeypatch
):
    """The dashboard's counts are asked in one query; should it fail (one panel's table being
    restored, a lock), each panel's are asked alone: the one that fails says so, first, and the
    others (the team's open concerns) are still shown."""
    from confidentiality import extensions
    from safeguarding.models import Concern
    from tests.safeguarding.conftest import form_data

    sign_in(client, teacher)
    assert client.post("/safeguarding/log/", form_data(pupil)).status_code == 302

    def cannot_be_counted(request):
        yield {"rows": Concern.objects.extra(where=["no_such_column = 1"])}
        return {"title": "Never shown"}

    monkeypatch.setattr(
        extensions, "dashboard_panels", [*extensions.dashboard_panels, (99, cannot_be_counted)]
    )
    client.logout()
    sign_in(client, dsl, verified=True)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Part of this page could not be read" in page and "Never shown" not in page
    # Said before the panels that could be read (after those that put themselves first too).
    assert page.index("Part of this page could not be read") < page.index(
        "Concerns go straight to the DSL and deputies."
    )
    assert "1 new concern awaiting the team" in page
