"""The rows of a child's chronology, written here rather than by the template language.

A long chronology is two hundred rows on screen and every entry chosen in the print view, and
the template's lookups and filters for each cell took more of the page's time than reading the
entries. The markup is the one the template wrote (tested against it): every value escaped, the
times in the school's time zone."""

from django import template
from django.template.defaultfilters import date, linebreaksbr
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_ROW = (
    '<tr class="entry-{}">\n'
    "      <td>{}</td>\n"
    "      <td>{}{}</td>\n"
    "      <td><strong>{}</strong>{}</td>\n"
    "      <td>{}</td>\n"
    "    </tr>"
)


def _row(entry) -> str:
    link, reference, detail = entry.link, entry.reference, entry.detail
    return format_html(
        _ROW,
        entry.kind,
        date(timezone.localtime(entry.when), "j M Y H:i"),
        entry.kind_label,
        format_html('<br><span class="small">{}</span>', reference) if reference else "",
        format_html('<a href="{}">{}</a>', link, entry.title) if link else entry.title,
        format_html("<br>{}", linebreaksbr(detail, autoescape=True)) if detail else "",
        entry.who or "—",
    )


@register.simple_tag
def chronology_rows(entries):
    """The table body's rows of ``entries`` (a row saying so when there is none)."""
    rows = [_row(entry) for entry in entries]
    if not rows:
        return mark_safe('<tr><td colspan="4">Nothing matches.</td></tr>')
    return mark_safe("\n    ".join(rows))  # noqa: S308 - every row built by format_html
