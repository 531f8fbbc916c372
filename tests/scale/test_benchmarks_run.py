"""The benchmark's pages (``benchmarks/pages.py``) on the demo school: each resolves and answers
as expected for its person, so a page renamed or moved breaks the suite, not ``make bench``.
No timing is asserted here."""

import pytest

from benchmarks import measure, pages, people
from benchmarks.baseline import PATH as BASELINE
from benchmarks.baseline import ROWS


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "benchmarks.urls"


def test_every_benchmarked_page_answers_its_person(demo_school, bench_urls):
    key_pages = pages.key_pages()
    people_asked = {page.person for page in key_pages}
    assert people_asked == {"dsl", "teacher", "parent", "head", "governor", "clerk"}
    for page in key_pages:
        client = people.sign_in(page.person)
        response = measure.request(client, page)  # raises on any other status
        assert response.status_code == page.expect, page.name
        if page.method == "post":
            assert "/safeguarding/mine/" in response["Location"], page.name


def test_the_busiest_objects_are_chosen(demo_school):
    from safeguarding.models import Concern

    child = pages._longest_chronology()
    most = Concern.objects.about(child).count()
    assert most > 0
    assert all(
        Concern.objects.about(other).count() <= most
        for other in pages._busiest_children(child.teaching_groups.first().students.all())
    )


def test_the_baseline_lists_rows_without_opening_a_record(demo_school, bench_urls):
    from auditlog.models import LogEntry

    client = people.sign_in("teacher")
    before = LogEntry.objects.count()
    response = client.get(BASELINE)
    assert response.status_code == 200
    assert 0 < response.content.decode().count("<tr><td>") <= ROWS
    assert LogEntry.objects.count() == before


def test_a_page_is_measured_against_the_baseline(demo_school, bench_urls):
    page = next(p for p in pages.key_pages() if p.name == "Teacher's student list")
    timing = measure.measure(people.sign_in(page.person), page, repeat=2)
    assert len(timing.page_ms) == len(timing.baseline_ms) == 2
    assert timing.queries > timing.baseline_queries > 0
