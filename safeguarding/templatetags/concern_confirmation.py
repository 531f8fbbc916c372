"""What the page of a concern just logged says to its author when it is urgent: find the DSL or
a deputy now, and what to do if nobody can be found or a child is in immediate danger."""

from django import template

from ..raising import what_to_do_now

register = template.Library()


@register.inclusion_tag("safeguarding/raising/urgent_next_steps.html")
def urgent_next_steps(concern):
    return {"help": what_to_do_now(concern)}
