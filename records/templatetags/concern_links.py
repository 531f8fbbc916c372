"""On a child's page: the link to log a concern about this child, with the child chosen already.

Records never imports safeguarding: the app that takes concerns registers where they are logged
and for whom (``lesson_guidance.register_disclosure_page``); with none registered for this
person, there is no link. The concern form checks the child again (``?child=``) and ignores one
the person may not choose."""

from urllib.parse import urlencode

from django import template

from records.lesson_guidance import disclosure_link

register = template.Library()


@register.simple_tag(takes_context=True)
def log_concern_url(context, student) -> str:
    url = disclosure_link(context["request"].user)
    return f"{url}?{urlencode({'child': student.pk})}" if url else ""
