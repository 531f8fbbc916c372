"""Many counts in one query (``confidentiality.counting``): each as ``queryset.count()`` would
give it, a ``First`` as ``values_list(...).first()`` would, and a question asked twice (two
panels counting the same thing) asked of the database once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.counting import First, count_all
from confidentiality.models import User


def test_each_count_is_its_own_and_the_same_question_is_asked_once(teacher, dsl, make_user):
    make_user("someone")
    wanted = {
        "everyone": User.objects.all(),
        "everyone again": User.objects.all(),
        "active": User.objects.filter(is_active=True),
        "teachers named": User.objects.filter(username="teacher"),
        "nobody": User.objects.none(),
        "first name": First(User.objects.order_by("username"), "username"),
        "first name again": First(User.objects.order_by("username"), "username"),
    }
    with CaptureQueriesContext(connection) as captured:
        counts = count_all(wanted)
    assert len(captured) == 1
    [query] = captured.captured_queries
    assert query["sql"].count("COUNT(*)") == 3  # everyone, active, teachers named
    assert counts == {
        "everyone": User.objects.count(),
        "everyone again": User.objects.count(),
        "active": User.objects.filter(is_active=True).count(),
        "teachers named": 1,
        "nobody": 0,
        "first name": User.objects.order_by("username").values_list("username", flat=True)[0],
        "first name again": User.objects.order_by("username")
        .values_list("username", flat=True)
        .first(),
    }


def test_the_same_shape_with_other_values_is_two_questions(teacher, dsl):
    counts = count_all(
        {
            "teacher": User.objects.filter(username="teacher"),
            "dsl": User.objects.filter(username="dsl"),
            "nobody": User.objects.filter(username="nobody"),
        }
    )
    assert counts == {"teacher": 1, "dsl": 1, "nobody": 0}
