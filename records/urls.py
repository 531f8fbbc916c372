from django.urls import path

from . import family_views, learning_views, section_views, views
from .importing import views as import_views

app_name = "records"

urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/find/", views.find_student, name="find_student"),
    path("students/nhs-number/", views.nhs_lookup, name="nhs_lookup"),
    path("students/<uuid:pk>/", views.student_detail, name="student_detail"),
    path("students/<uuid:pk>/emergency-access/", views.break_glass, name="break_glass"),
    # Importing the MIS exports
    path("import/", import_views.import_home, name="import_home"),
    path("import/<str:kind>/", import_views.import_file, name="import_file"),
    # Editing the record, section by section, and each section's history
    path(
        "students/<uuid:pk>/sections/<str:kind>/edit/",
        section_views.edit_section,
        name="edit_section",
    ),
    path(
        "students/<uuid:pk>/sections/<str:kind>/history/",
        section_views.history,
        name="section_history",
    ),
    # A child's learning (P12, P13)
    path("students/<uuid:pk>/grades/new/", learning_views.add_grade, name="add_grade"),
    path(
        "students/<uuid:pk>/progress/new/",
        learning_views.add_progress_note,
        name="add_progress_note",
    ),
    path("students/<uuid:pk>/work/new/", learning_views.upload_work, name="upload_work"),
    path("work/<uuid:pk>/download/", learning_views.download_work, name="download_work"),
    # Working with families (P7, P12, P15, P24)
    path("students/<uuid:pk>/messages/new/", family_views.send_notice, name="send_notice"),
    path(
        "students/<uuid:pk>/discussion-permission/new/",
        family_views.ask_discussion,
        name="ask_discussion",
    ),
    path(
        "discussion-permissions/<uuid:pk>/used/",
        family_views.discussion_used,
        name="discussion_used",
    ),
    path("meetings/", family_views.meeting_list, name="meeting_list"),
    path("meetings/<uuid:pk>/", family_views.meeting_detail, name="meeting_detail"),
    path(
        "classes/<int:pk>/photographs/",
        family_views.class_photo_consent,
        name="class_photo_consent",
    ),
]
