"""Telephone numbers on a page: a ``tel:`` link only for a number a phone can dial.

What a school types in the phone field is often an extension ("ext. 201") or a note; a link
to it would open the dialler with something it cannot call, so those stay plain text."""

import re

from django import template

register = template.Library()

# Digits and spaces, with an optional leading "+" (an international number); at least three
# digits, so that a stray "+" or "1" is not a number.
DIALABLE = re.compile(r"\+?[\d ]*\d[\d ]*")


@register.filter
def tel_link(phone) -> str:
    """The number as a ``tel:`` link wants it (no spaces), or "" when it cannot be dialled."""
    phone = (phone or "").strip()
    if not DIALABLE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3:
        return ""
    return phone.replace(" ", "")
