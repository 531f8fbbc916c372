"""The database's own count of concerns about children per day and category (PostgreSQL),
which the team page reads instead of a year of concerns: it must agree with counting the
concerns themselves after every way a concern is made, corrected, moved or removed, including
those that go round Django's ``save``."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate, TruncMonth

from safeguarding.forms.concern_list import start_of
from safeguarding.models import Concern, ConcernsOfTheDay, tally
from safeguarding.views import team

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="kept by PostgreSQL's triggers"
)


def _kept():
    return {
        (row.day, row.category): row.concerns
        for row in ConcernsOfTheDay.objects.filter(concerns__gt=0)
    }


def _counted():
    return {
        (day, category): n
        for day, category, n in Concern.objects.about_children()
        .annotate(day=TruncDate("created_at"))
        .values("day", "category")
        .annotate(n=Count("*"))
        .values_list("day", "category", "n")
    }


def test_the_count_follows_every_way_a_concern_changes(raise_concern, teacher, pupil, dsl):
    first = raise_concern(teacher, [pupil], category="neglect")
    second = raise_concern(teacher, [pupil], category="neglect")
    raise_concern(teacher, [pupil], category="online")
    assert _kept() == _counted()
    assert sum(_kept().values()) == 3

    # Corrected in triage (save), moved back in time (an update round save), and a concern
    # that turns out to be about an adult stops counting.
    first.category = "emotional"
    first.save()
    Concern.objects.filter(pk=second.pk).update(created_at=datetime(2025, 3, 4, 12, tzinfo=UTC))
    assert _kept() == _counted()
    Concern.objects.filter(pk=first.pk).update(subject_kind=Concern.SubjectKind.ADULT)
    assert _kept() == _counted()
    assert sum(_kept().values()) == 2

    # Saving without changing what is counted counts nothing twice.
    second.refresh_from_db()
    second.urgency = Concern.Urgency.URGENT
    second.save()
    assert _kept() == _counted()

    # Removed, as retention removes them (one by one, and as a whole list at once).
    Concern.objects.filter(pk=second.pk).delete()
    assert _kept() == _counted()
    Concern.objects.all().delete()
    assert _kept() == {}


def test_the_day_is_the_schools_date(raise_concern, teacher, pupil):
    """23:30 UTC on 31 July is half past midnight on 1 August in London (summer time): the
    concern counts in August, as the concern list filtered to August shows it."""
    concern = raise_concern(teacher, [pupil], category="online")
    Concern.objects.filter(pk=concern.pk).update(
        created_at=datetime(2026, 7, 31, 23, 30, tzinfo=UTC)
    )
    assert _kept() == {(datetime(2026, 8, 1).date(), "online"): 1}


def test_the_triggers_count_in_the_sites_time_zone(db):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT obj_description('{tally.FUNCTION}'::regproc, 'pg_proc')")
        assert cursor.fetchone()[0] == f"day in {settings.TIME_ZONE}"


def test_installing_again_counts_afresh(raise_concern, teacher, pupil):
    raise_concern(teacher, [pupil], category="fgm")
    ConcernsOfTheDay.objects.all().delete()  # as a count gone wrong
    tally.install()
    assert _kept() == _counted()


def test_the_team_page_counts_the_same_either_way(raise_concern, teacher, pupil, dsl):
    for category in ("neglect", "neglect", "online"):
        raise_concern(teacher, [pupil], category=category)
    old = raise_concern(teacher, [pupil], category="neglect")
    long_ago = datetime.now(UTC) - timedelta(days=400)
    Concern.objects.filter(pk=old.pk).update(created_at=long_ago)
    since = (datetime.now(UTC) - timedelta(days=365)).date()
    last_year = Concern.objects.about_children().filter(created_at__gte=start_of(since))
    counted = sorted(
        last_year.annotate(month=TruncMonth("created_at"))
        .values("category", "month")
        .annotate(n=Count("*"))
        .values_list("category", "month", "n")
    )
    from_tally = team._by_category_and_month(dsl, last_year, since)
    assert sorted((c, m.date() if hasattr(m, "date") else m, n) for c, m, n in counted) == sorted(
        from_tally
    )
    assert sum(n for _, _, n in from_tally) == 3


def test_a_change_of_time_zone_is_counted_afresh_at_migrate(raise_concern, teacher, pupil):
    """Triggers installed while the site was on UTC count 23:30 UTC on 31 July in July; the
    next migrate (its post_migrate step) finds the site's zone differs and counts again."""
    with connection.cursor() as cursor:
        for statement in tally.install_sql("UTC"):
            cursor.execute(statement)
    concern = raise_concern(teacher, [pupil], category="online")
    Concern.objects.filter(pk=concern.pk).update(
        created_at=datetime(2026, 7, 31, 23, 30, tzinfo=UTC)
    )
    assert tally.installed_zone() == "UTC"
    assert _kept() == {(datetime(2026, 7, 31).date(), "online"): 1}
    tally.keep_time_zone()
    assert tally.installed_zone() == settings.TIME_ZONE
    assert _kept() == {(datetime(2026, 8, 1).date(), "online"): 1}
    tally.keep_time_zone()  # nothing to do the second time
    assert _kept() == _counted()
