"""A dashboard panel may ask its counts in more than one round (what might be there, then what
the door lets the person see of it): every panel asking in a round is answered by one query,
and a panel's answer is what it returns after its last round."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from confidentiality import extensions
from confidentiality.models import User
from confidentiality.views.dashboard import panels_for


def _asks_twice(request):
    first = yield {"people": User.objects.all()}
    if not first["people"]:
        return None
    second = yield {"active": User.objects.filter(is_active=True), "none": User.objects.none()}
    return {"title": "Twice", "body": f"{first['people']} then {second['active']}"}


def _asks_once(request):
    counts = yield {"named": User.objects.filter(username=request.user.username)}
    return {"title": "Once", "body": str(counts["named"])}


def _panels(teacher, monkeypatch, *panels):
    monkeypatch.setattr(extensions, "dashboard_panels", [(1, p) for p in panels])
    request = RequestFactory().get("/")
    request.user = teacher
    with CaptureQueriesContext(connection) as captured:
        shown = panels_for(request)
    return {panel["title"]: panel["body"] for panel in shown}, len(captured)


def test_a_panel_asks_again_and_answers_after_its_last_round(teacher, monkeypatch):
    everyone = User.objects.count()
    shown, queries = _panels(teacher, monkeypatch, _asks_twice, _asks_once)
    assert shown == {"Twice": f"{everyone} then {everyone}", "Once": "1"}
    assert queries == 2  # the first round (both panels) and the second (one)


def test_one_round_is_one_query(teacher, monkeypatch):
    shown, queries = _panels(teacher, monkeypatch, _asks_once)
    assert shown == {"Once": "1"}
    assert queries == 1
