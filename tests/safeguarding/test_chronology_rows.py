"""The chronology's rows written in Python (``chronology_rows``) are the markup the template
language wrote for them, value for value: escaped, with links, references, line breaks and
the school's local time."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from safeguarding.chronology import Entry, Kind
from safeguarding.templatetags.chronology_rows import chronology_rows

# The rows as the template wrote them before.
AS_THE_TEMPLATE_WROTE_THEM = Template(
    "".join(
        [
            "{% for entry in entries %}",
            "{% with link=entry.link reference=entry.reference detail=entry.detail %}",
            '<tr class="entry-{{ entry.kind }}">',
            '<td>{{ entry.when|date:"j M Y H:i" }}</td>',
            "<td>{{ entry.kind_label }}{% if reference %}",
            '<br><span class="small">{{ reference }}</span>{% endif %}</td>',
            "<td><strong>{% if link %}",
            '<a href="{{ link }}">{{ entry.title }}</a>',
            "{% else %}{{ entry.title }}{% endif %}</strong>",
            "{% if detail %}<br>{{ detail|linebreaksbr }}{% endif %}</td>",
            '<td>{{ entry.who|default:"—" }}</td>',
            "</tr>",
            "{% endwith %}",
            "{% empty %}",
            '<tr><td colspan="4">Nothing matches.</td></tr>',
            "{% endfor %}",
        ]
    )
)


def _rows(html: str) -> list[str]:
    """The rows, without the whitespace between their cells."""
    return [re.sub(r">\s+<", "><", part.strip()) for part in html.split("</tr>") if part.strip()]


ENTRIES = [
    # Summer time: 23:30 UTC is 00:30 the next day in London.
    Entry(
        datetime(2026, 7, 31, 23, 30, tzinfo=UTC),
        Kind.NOTE,
        title='Note <b>"quoted"</b> & more',
        detail="First line\nSecond <script>alert(1)</script>\n\nThird",
        who="Raised by O'Brien & Co",
        source="/safeguarding/meetings/1/?a=1&b=2",
        ref="M-1",
    ),
    Entry(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), Kind.STATUS, title="Child in need", who=""),
    Entry(datetime(2025, 12, 1, 12, 0, tzinfo=UTC), Kind.MEETING, title="Meeting", detail=""),
]


@pytest.mark.parametrize("entries", [ENTRIES, ENTRIES[1:2], []], ids=["mixed", "one", "none"])
def test_the_rows_are_the_templates(entries):
    old = AS_THE_TEMPLATE_WROTE_THEM.render(Context({"entries": entries}))
    new = chronology_rows(entries)
    assert _rows(new) == _rows(old)
    assert "<script>" not in new
    if entries is ENTRIES:
        assert "1 Aug 2026 00:30" in new
