"""Small words for the subject-access pages: how many days are left before a deadline."""

from django import template

register = template.Library()


@register.filter
def days_left(sar, today) -> int:
    return sar.days_left(today)


@register.filter
def negate(value) -> int:
    return -int(value)
