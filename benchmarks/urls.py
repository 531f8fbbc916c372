"""The project's URLs plus bare-Django baselines: the same pages' work without encryption,
permissions or auditing, so the benchmark can report what those cost."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from confidentiality.urls import urlpatterns as project_urlpatterns
from records.models import Student

LIST = engines["django"].from_string(
    "<ul>{% for s in students %}<li>{{ s.last_name }}, {{ s.first_name }} "
    "(Year {{ s.year_group }})</li>{% endfor %}</ul>"
)
DETAIL = engines["django"].from_string(
    "<h1>{{ s.first_name }} {{ s.last_name }}</h1><p>{{ s.upn }} Year {{ s.year_group }}</p>"
)


def baseline_list(request):
    students = Student.objects.only("first_name", "last_name", "year_group").order_by(
        "last_name", "first_name", "id"
    )[:50]
    return HttpResponse(LIST.render({"students": students}))


def baseline_detail(request, pk):
    student = Student.objects.only("first_name", "last_name", "upn", "year_group").get(pk=pk)
    return HttpResponse(DETAIL.render({"s": student}))


urlpatterns = [
    path("bench/baseline-list/", baseline_list),
    path("bench/baseline-detail/<uuid:pk>/", baseline_detail),
    *project_urlpatterns,
]
