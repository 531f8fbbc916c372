"""``check --deploy`` warns a technician when production would tell staff logging an urgent
concern no real number for the children's social care front door (safeguarding.W002)."""

import pytest

from safeguarding.checks import childrens_services_front_door_is_set

REAL = "Anytown children's social care front door: 0161 496 0999; out of hours 0161 496 0111"
DEMO = "Children's social care front door (example): 01632 960111; out of hours 01632 960999"


def _warnings(settings, front_door, debug=False):
    settings.DEBUG = debug
    settings.CHILDRENS_SERVICES_FRONT_DOOR = front_door
    return childrens_services_front_door_is_set(None)


def test_a_real_front_door_passes(settings):
    assert _warnings(settings, REAL) == []


@pytest.mark.parametrize(
    "front_door, problem",
    [
        ("", "is not set"),
        ("   ", "is not set"),
        (DEMO, "is still the example shipped for development"),
        ("Anytown children's social care front door", "has no telephone number in it"),
        ("0161 496 0999", "has a number but does not say whose it is"),
    ],
)
def test_production_without_a_real_front_door_is_warned(settings, front_door, problem):
    [warning] = _warnings(settings, front_door)
    assert warning.id == "safeguarding.W002"
    assert f"CHILDRENS_SERVICES_FRONT_DOOR {problem}" in warning.msg
    assert "urgent concern" in warning.msg
    assert "CHILDRENS_SERVICES_FRONT_DOOR" in warning.hint


def test_development_is_not_warned(settings):
    assert _warnings(settings, "", debug=True) == []
    assert _warnings(settings, DEMO, debug=True) == []
