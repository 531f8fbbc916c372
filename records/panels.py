from django.urls import reverse

from confidentiality.dashboard_panels import register

from .policy import may_list_students


@register(order=20)
def my_students(request):
    user = request.user
    if not may_list_students(user):
        return None
    groups = list(user.teaching_groups.values_list("name", flat=True))
    return {
        "title": "Your students",
        "body": "The records you may open: the children you teach, support or look after.",
        "items": [f"Class {name}" for name in groups],
        "empty_text": "You have no class or assignment yet.",
        "links": [{"label": "Open the student list", "url": reverse("records:student_list")}],
    }
