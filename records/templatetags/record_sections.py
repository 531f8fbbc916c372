"""``{% section_actions student kind %}``: the edit and history links of one record section,
shown only to those the access policy lets in (the pages check again)."""

from django import template

from confidentiality import access
from records.policy import EDIT_PERMISSION, SECTION_PERMISSION

register = template.Library()


@register.inclusion_tag("records/sections/actions.html", takes_context=True)
def section_actions(context, student, kind):
    user = context["request"].user
    return {
        "student": student,
        "kind": kind,
        "may_edit": access.has_permission(user, EDIT_PERMISSION[kind], student),
        "may_read_history": access.has_permission(user, SECTION_PERMISSION[kind], student),
    }
