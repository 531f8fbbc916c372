"""The bare-Django page every key page is compared with: the same middleware (sessions, CSRF,
sign-in, second factor, agreement, the audit log's middleware), a simple template listing rows
of a table, and nothing else: no permission check, no decryption, no audit entry.

What a page costs beyond this is what the school's rules cost, and whatever the page does
wastefully: the ratio the benchmark reports."""

from django.http import HttpResponse
from django.template import engines

from records.models import Student

ROWS = 50
PATH = "/bench/baseline/"

LIST = engines["django"].from_string(
    "<!doctype html><title>Children</title><h1>Children</h1><table>"
    "<tr><th>Name</th><th>Year</th></tr>"
    "{% for child in children %}<tr><td>{{ child.last_name }}, {{ child.first_name }}</td>"
    "<td>{{ child.year_group }}</td></tr>{% endfor %}</table>"
)


def bare_list(request):
    """The first rows of the children's table, by name: plain columns only (the date of birth
    and NHS number, which are sealed, are never read)."""
    children = Student.objects.only("first_name", "last_name", "year_group").order_by(
        "last_name", "first_name", "pk"
    )[:ROWS]
    return HttpResponse(LIST.render({"children": children}, request))
