from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/find/", views.find_student, name="find_student"),
    path("students/<uuid:pk>/", views.student_detail, name="student_detail"),
    path("students/<uuid:pk>/emergency-access/", views.break_glass, name="break_glass"),
]
