"""A concern under more than one category (issue 11): the main one, and any others, as schools
record them. The author chooses them on the form (the main one ticked again among the others is
simply the main one); the team corrects them in triage, a change in the log that names the field
and never what it held; the concern page, the chronology, the concern list (whose filter finds
the others too), its export and the dashboard (by main category, as it says) show them; the
author's own pages show only what the author chose. The other categories are sealed: a copy of
the database does not show them.

Also here: the triage's "Linked concerns" never shows its heading with nothing under it (the
concern page's finding 7), and the concern list's keyset pages have their index."""

import csv
import io
import re
import uuid

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.audit import MASK
from confidentiality.audit.words import changed_fields
from safeguarding import chronology
from safeguarding.forms.raising import ConcernForm, initial_from_draft
from safeguarding.models import Concern, ConcernSubject
from safeguarding.models.concerns import categories_in_words, category_codes
from tests.conftest import sign_in

from .conftest import form_data

LOG_URL = "/safeguarding/log/"
LIST_URL = "/safeguarding/concerns/"
SEALED = re.compile(r"^[A-Za-z0-9_-]+\$v2\.[A-Za-z0-9_-]+$")  # sealed and padded


def listed(client, query="") -> list[str]:
    """The references of the concerns on the list's page, in order."""
    response = client.get(LIST_URL + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    return re.findall(r'href="/safeguarding/concerns/[0-9a-f-]+/">([0-9A-F]{8})<', page)


def refs(*concerns) -> list[str]:
    return [c.reference for c in concerns]


def exported(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def url(concern, verb=""):
    return f"/safeguarding/concerns/{concern.pk}/{verb + '/' if verb else ''}"


def log(author, children=(), *, others=(), **fields):
    """A concern about ``children`` with other categories (quicker than the form)."""
    concern = Concern(
        raised_by=author,
        idempotency_key=uuid.uuid4(),
        category=fields.pop("category", "physical"),
        account="Seen at the gate.",
        **fields,
    )
    concern.set_categories(concern.category, others)
    concern.name_children([(child, ConcernSubject.Part.SUBJECT) for child in children])
    concern.save()
    return concern


def triage(client, concern, **fields):
    data = {"triage-level": "", "triage-level_reason": ""}
    data.update({f"triage-{name}": value for name, value in fields.items()})
    return client.post(url(concern, "triage"), data)


@pytest.fixture
def dsl_client(client, dsl):
    return sign_in(client, dsl, verified=True)


def _stored(concern) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT category, other_categories, categories_as_raised FROM safeguarding_concern "
            "WHERE id = %s",
            [concern.pk.hex if connection.vendor == "sqlite" else concern.pk],
        )
        category, others, as_raised = cursor.fetchone()
    return {"category": category, "other_categories": others, "categories_as_raised": as_raised}


# --- the concern form ----------------------------------------------------------------------------


def test_the_form_offers_other_categories_as_optional_boxes(client, teacher):
    sign_in(client, teacher)
    page = client.get(LOG_URL).content.decode()
    assert "Any other categories" in page and "(optional)" in page
    assert 'type="checkbox" name="other_categories" value="neglect"' in page
    assert "it stays the main one" in page


def test_a_teacher_logs_a_concern_under_several_categories(client, teacher, pupil, team):
    sign_in(client, teacher)
    response = client.post(
        LOG_URL, form_data(pupil, category="physical", other_categories=["neglect", "emotional"])
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert concern.category == "physical"
    # In the order of the choices, whatever the order ticked.
    assert concern.other_category_codes == ["emotional", "neglect"]
    assert concern.categories_display == "Physical abuse (+ Emotional abuse, Neglect)"


def test_no_other_category_is_none(client, teacher, pupil, team):
    sign_in(client, teacher)
    client.post(LOG_URL, form_data(pupil))
    concern = Concern.objects.get()
    assert concern.other_category_codes == [] and concern.categories_display == "Physical abuse"


def test_the_main_category_ticked_again_is_simply_the_main_one(client, teacher, pupil, team):
    """The kinder answer: no error for ticking it twice, and nothing is lost."""
    sign_in(client, teacher)
    response = client.post(
        LOG_URL, form_data(pupil, category="neglect", other_categories=["neglect", "online"])
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.category == "neglect" and concern.other_category_codes == ["online"]


def test_something_that_is_not_a_category_is_refused_and_nothing_is_sent(
    client, teacher, pupil, team
):
    sign_in(client, teacher)
    response = client.post(LOG_URL, form_data(pupil, other_categories=["witchcraft"]))
    assert response.status_code == 400
    assert "witchcraft is not one of the available choices" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_draft_brings_back_every_other_category_ticked():
    initial, _students, _marks = initial_from_draft(
        {"category": ["physical"], "other_categories": ["neglect", "online"]}
    )
    assert initial["other_categories"] == ["neglect", "online"]
    form = ConcernForm(initial=initial)
    assert form["other_categories"].value() == ["neglect", "online"]


def test_category_codes_keep_only_categories_once_without_the_main_one():
    assert category_codes(["online", "neglect", "neglect", "x", "physical"], "physical") == [
        "neglect",
        "online",
    ]
    assert category_codes(None) == [] and category_codes("neglect") == []
    assert categories_in_words("neglect", ["emotional"]) == "Neglect (+ Emotional abuse)"


# --- where they are kept -------------------------------------------------------------------------


def test_a_copy_of_the_database_does_not_show_the_other_categories(teacher, pupil):
    concern = log(teacher, [pupil], category="neglect", others=["sexual", "online"])
    stored = _stored(concern)
    assert stored["category"] == "neglect"  # the main one is plain, on purpose (statistics)
    for column in ("other_categories", "categories_as_raised"):
        assert SEALED.match(stored[column]), column
        for code in ("sexual", "online", "neglect", "Sexual", "Online"):
            assert code not in stored[column], column
    # Nor does the change log of its creation.
    entry = LogEntry.objects.get_for_object(concern).get(action=LogEntry.Action.CREATE)
    assert "sexual" not in str(entry.changes) and "online" not in str(entry.changes)
    # With the keys, the application reads them.
    # In the order of the choices.
    assert Concern.objects.get(pk=concern.pk).other_category_codes == ["sexual", "online"]


def test_the_demo_school_has_a_concern_under_two_categories(demo_school):
    online = [c for c in Concern.objects.filter(category="online") if c.other_category_codes]
    assert [c.categories_display for c in online] == ["Online safety (+ Sexual abuse)"]
    assert "sexual" not in _stored(online[0])["other_categories"]


# --- the team corrects them in triage ------------------------------------------------------------


def test_the_dsl_corrects_the_categories_and_the_log_names_the_field_never_its_value(
    dsl_client, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil], category="physical", other_categories=["online"])
    response = triage(
        dsl_client, concern, category="neglect", other_categories=["emotional", "neglect"]
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.category == "neglect" and concern.other_category_codes == ["emotional"]
    updates = LogEntry.objects.get_for_object(concern).filter(action=LogEntry.Action.UPDATE)
    corrected = [e for e in updates if "other_categories" in e.changes]
    assert len(corrected) == 1
    assert corrected[0].changes["other_categories"] == [MASK, MASK]
    assert "emotional" not in str(corrected[0].changes)
    assert "online" not in str(corrected[0].changes)
    words = changed_fields(corrected[0])
    assert "Other categories" in words
    # The author's choice is kept for their page: bookkeeping, never a change in words.
    assert not any("chosen by the person" in w for w in words)


def test_a_triage_that_leaves_the_categories_writes_no_change_to_them(
    dsl_client, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil], category="physical", other_categories=["online"])
    triage(dsl_client, concern, category="physical", other_categories=["online"])
    updates = LogEntry.objects.get_for_object(concern).filter(action=LogEntry.Action.UPDATE)
    assert not [e for e in updates if "other_categories" in e.changes]
    assert not [e for e in updates if "category" in e.changes]


def test_only_the_team_may_correct_the_categories(client, raise_concern, teacher, pupil, team):
    concern = raise_concern(teacher, [pupil], category="physical")
    sign_in(client, teacher)
    assert triage(client, concern, category="neglect").status_code == 404
    concern.refresh_from_db()
    assert concern.category == "physical"


def test_a_triage_without_the_categories_leaves_them(
    dsl_client, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil], category="physical", other_categories=["online"])
    assert dsl_client.post(url(concern, "triage"), {"triage-level": ""}).status_code == 302
    concern.refresh_from_db()
    assert concern.category == "physical" and concern.other_category_codes == ["online"]


def test_the_concern_page_shows_them_and_triage_offers_them(
    dsl_client, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil], category="neglect", other_categories=["emotional"])
    page = dsl_client.get(url(concern)).content.decode()
    assert "<dd>Neglect (+ Emotional abuse)</dd>" in page
    page = dsl_client.get(url(concern, "triage")).content.decode()
    assert "Main category" in page and "Other categories" in page
    assert re.search(r'name="triage-other_categories" value="emotional"[^>]* checked', page)


# --- the author sees what they chose -------------------------------------------------------------


def test_the_author_sees_only_the_categories_they_chose(
    client, dsl, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil], category="physical", other_categories=["online"])
    triage(sign_in(client, dsl, verified=True), concern, category="neglect", other_categories=[])
    sign_in(client, teacher)
    for page_url in (f"/safeguarding/mine/{concern.pk}/", "/safeguarding/mine/"):
        page = client.get(page_url).content.decode()
        assert "Physical abuse (+ Online safety)" in page, page_url
        assert "Neglect" not in page, page_url


def test_a_concern_raised_before_the_choice_was_kept_still_shows_the_authors_choice(
    client, dsl, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil], category="physical")
    # As a concern raised before this change: nothing kept (an empty column, no plaintext).
    Concern.objects.filter(pk=concern.pk).update(categories_as_raised=None, other_categories=None)
    triage(sign_in(client, dsl, verified=True), concern, category="neglect")
    concern.refresh_from_db()
    assert concern.category == "neglect"
    page = sign_in(client, teacher).get(f"/safeguarding/mine/{concern.pk}/").content.decode()
    assert "<dd>Physical abuse</dd>" in page and "Neglect" not in page


# --- the chronology ------------------------------------------------------------------------------


def test_the_chronology_shows_them_and_its_filter_finds_the_other_categories(
    raise_concern, teacher, pupil, team
):
    raise_concern(teacher, [pupil], category="neglect", other_categories=["emotional"])
    raise_concern(teacher, [pupil], category="online")
    entries = chronology.entries_for(pupil)
    titles = [e.title for e in entries if e.kind == "concern"]
    assert any(t.endswith(": Neglect (+ Emotional abuse)") for t in titles)
    emotional = chronology.apply_filters(entries, category="emotional")
    assert [e.title for e in emotional] == [t for t in titles if "Emotional" in t]
    assert len(chronology.apply_filters(entries, category="online")) == 1


# --- the concern list, its export and the dashboard ----------------------------------------------


@pytest.fixture
def as_dsl(client, dsl):
    return sign_in(client, dsl, verified=True)


def test_the_list_filter_finds_the_main_or_another_category(as_dsl, teacher, pupil):
    main = log(teacher, [pupil], category="neglect")
    other = log(teacher, [pupil], category="physical", others=["neglect"])
    log(teacher, [pupil], category="online", others=["emotional"])
    assert sorted(listed(as_dsl, "category=neglect")) == sorted(refs(main, other))
    assert listed(as_dsl, "category=neglect&main_only=on") == refs(main)
    page = as_dsl.get(LIST_URL + "?category=neglect").content.decode()
    assert "<td>Physical abuse (+ Neglect)</td>" in page
    assert "<td>Neglect</td>" in page


def test_the_list_filter_costs_the_same_queries_whatever_the_number_of_concerns(
    as_dsl, teacher, pupil
):
    def queries(query):
        with CaptureQueriesContext(connection) as captured:
            assert as_dsl.get(LIST_URL + query).status_code == 200
        return len(captured)

    def add(n):
        for i in range(n):
            log(teacher, [pupil], category="physical", others=["neglect"] if i % 2 else [])

    add(2)
    queries("")  # the people on file are read once, then kept a while per reader
    few = queries("?category=neglect"), queries("?category=neglect&format=csv")
    add(12)
    assert len(listed(as_dsl, "category=neglect")) == 7
    assert (queries("?category=neglect"), queries("?category=neglect&format=csv")) == few


def test_the_export_shows_the_other_categories(as_dsl, teacher, pupil):
    log(teacher, [pupil], category="physical", others=["online", "neglect"])
    heading, row = exported(as_dsl.get(LIST_URL + "?format=csv"))
    assert heading[3] == "Category" and heading[-1] == "Other categories"
    assert row[3] == "Physical abuse" and row[-1] == "Neglect; Online safety"


def test_the_dashboard_counts_by_main_category_and_its_link_lists_the_same(as_dsl, teacher, pupil):
    main = log(teacher, [pupil], category="neglect")
    log(teacher, [pupil], category="physical", others=["neglect"])
    page = as_dsl.get("/safeguarding/").content.decode()
    assert "Concerns by main category" in page
    link = re.search(r'<a href="([^"]+)" aria-label="1 concern: Neglect">1</a>', page)
    query = link.group(1).replace("&amp;", "&").split("?", 1)[1]
    assert "main_only=on" in query
    assert listed(as_dsl, query) == refs(main)


# --- finding 7: "Linked concerns" with nothing under it -------------------------------------------


def test_nothing_to_link_shows_no_empty_linked_concerns_heading(
    dsl_client, raise_concern, teacher, pupil, team
):
    concern = raise_concern(teacher, [pupil])
    page = dsl_client.get(url(concern, "triage")).content.decode()
    assert "Linked concerns (earlier concerns, siblings&#x27; concerns)" not in page
    assert "Linked concerns: none to link yet." in page


def test_with_another_concern_about_the_child_the_linked_concerns_box_is_there_and_works(
    dsl_client, raise_concern, teacher, pupil, team
):
    earlier = raise_concern(teacher, [pupil])
    concern = raise_concern(teacher, [pupil])
    page = dsl_client.get(url(concern, "triage")).content.decode()
    assert "none to link yet" not in page
    assert "Linked concerns (earlier concerns, siblings&#x27; concerns)" in page
    assert f'name="triage-linked" value="{earlier.pk}"' in page
    assert triage(dsl_client, concern, linked=[earlier.pk]).status_code == 302
    assert list(concern.linked_concerns.all()) == [earlier]


def test_a_concern_linked_already_stays_offered_and_linked(
    dsl_client, raise_concern, teacher, pupil, student_factory, team
):
    """A link made when the concerns were related (a child since unlinked, a family changed)
    is shown ticked, so saving the triage never drops it unseen."""
    elsewhere = raise_concern(teacher, [student_factory(first_name="Sam", last_name="Other")])
    concern = raise_concern(teacher, [pupil])
    concern.linked_concerns.add(elsewhere)
    page = dsl_client.get(url(concern, "triage")).content.decode()
    assert re.search(rf'name="triage-linked" value="{elsewhere.pk}"[^>]* checked', page)
    assert triage(dsl_client, concern, linked=[elsewhere.pk]).status_code == 302
    assert list(concern.linked_concerns.all()) == [elsewhere]


# --- the list's keyset pages ---------------------------------------------------------------------


def test_the_concern_list_order_has_its_index(db):
    indexes = {index.name: index.fields for index in Concern._meta.indexes}
    assert indexes["concern_newest_first"] == ["-created_at", "-id"]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Concern._meta.db_table)
    assert "concern_newest_first" in constraints


# --- other categories this server cannot open ----------------------------------------------------


def test_other_categories_that_cannot_be_opened_are_said_never_lost_nor_overwritten(
    client, dsl, teacher, pupil
):
    source = log(teacher, [pupil], category="neglect", others=["online"])
    concern = log(teacher, [pupil], category="physical")
    # Another row's ciphertext does not open here: as a value whose key is missing would not.
    field = Concern._meta.get_field("other_categories")
    token = _stored(source)["other_categories"]
    Concern.objects.filter(pk=concern.pk).update(
        other_categories=field.from_db_value(token, None, None)
    )
    damaged = Concern.objects.get(pk=concern.pk)
    assert damaged.other_categories_unreadable() and damaged.other_category_codes == []
    assert damaged.categories_display == (
        "Physical abuse (+ other categories that cannot be opened on this server)"
    )
    as_dsl = sign_in(client, dsl, verified=True)
    # The list still finds it by its main category, and its export says what it cannot show.
    assert concern.reference in listed(as_dsl, "category=physical")
    assert concern.reference not in listed(as_dsl, "category=online")
    rows = exported(as_dsl.get(LIST_URL + "?category=physical&format=csv"))
    assert rows[1][-1] == "Cannot be opened on this server"
    # A triage may change everything else; never write over what it could not open.
    assert triage(as_dsl, concern, category="neglect").status_code == 302
    assert triage(as_dsl, concern, category="neglect", other_categories=["fgm"]).status_code == 400
    damaged = Concern.objects.get(pk=concern.pk)
    assert damaged.category == "neglect" and damaged.other_categories_unreadable()
    assert _stored(damaged)["other_categories"] == token


# --- the dashboard's tables and the child's profile show every category -----------------------


def test_the_dashboards_tables_show_the_other_categories_main_first(as_dsl, teacher, pupil):
    concern = log(teacher, [pupil], category="neglect", others=["emotional"])
    page = as_dsl.get("/safeguarding/").content.decode()
    row = re.search(rf">{concern.reference}</a>.*?</tr>", page, re.S).group(0)
    assert "<td>Neglect (+ Emotional abuse)</td>" in row


def test_the_childs_profile_shows_the_other_categories_main_first(as_dsl, teacher, pupil):
    concern = log(teacher, [pupil], category="neglect", others=["emotional"])
    page = as_dsl.get(f"/safeguarding/children/{pupil.pk}/profile/").content.decode()
    assert f"Concern {concern.reference}</a>: Neglect (+ Emotional abuse)," in page
