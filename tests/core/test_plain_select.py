"""The people's lists are written without a template per option (``PlainSelect``): the markup is
the one Django's own ``Select`` writes, whatever the choices, the value or the labels hold."""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from confidentiality.forms.widgets import PlainSelect

FLAT = [("", "Choose a person"), (1, "Ann – Teacher"), (2, "Bo <b>\"&'</b>"), (3, "Cy")]
GROUPED = [
    ("", "Choose a person"),
    ("Teaching assistants", [(4, "Di"), (5, "Ed & Flo")]),
    ("Health <professionals>", [(6, "Gu"), ("7", "Hal")]),
]


def _same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


# Labels already safe markup, or translated lazily, as a form may give them.
ODD = [(8, mark_safe("<i>Iv</i>")), (9, gettext_lazy("Anyone")), (10, 10)]


@pytest.mark.parametrize("choices", [FLAT, GROUPED, FLAT + [(1, "Ann again")], FLAT + ODD])
@pytest.mark.parametrize("value", [None, "", 1, "1", 5, "7", 99, [1, 2]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_person", "required": True}])
def test_written_as_djangos_own_select_writes_it(choices, value, attrs):
    ours = PlainSelect(choices=choices).render("person", value, attrs)
    djangos = forms.Select(choices=choices).render("person", value, attrs)
    assert _same_markup(ours) == _same_markup(djangos)
