"""Widgets the school's forms share."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _escaped(text) -> str:
    """As ``conditional_escape`` (the same characters, and markup already safe left as it is),
    without its layers of wrapping for each of 800 options."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


class PlainSelect(forms.Select):
    """A ``Select`` whose options are written out here rather than by a template each: a list of
    a large school's staff runs to 800 options, and Django's template per option took most of
    the time of the pages offering one (0.7 s of the concern list's filters); so did Django's
    dict of attributes per option (0.1 s of a child's page). Short lists on a page read often
    use it too (the concern form's categories and body-map places: a third of that page). The
    markup is the same as Django's own widget writes (tested): one option selected at most,
    every value and label escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        # The plain widget's context: the select's own attributes, without an option list.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        wanted = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        chosen = False

        def option(option_value, label) -> str:
            nonlocal chosen
            written = "" if option_value is None else str(option_value)
            selected = not chosen and written in wanted
            chosen = chosen or selected
            return (
                f'<option value="{_escaped(written)}"{" selected" if selected else ""}>'
                f"{_escaped(label)}</option>"
            )

        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group: (its name, its choices)
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(option(value, text) for value, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value and label escaped
