from django.urls import path

from . import family_views, learning_views, section_views, support_views, views
from .importing import views as import_views

app_name = "records"

urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/find/", views.find_student, name="find_student"),
    path("students/nhs-number/", views.nhs_lookup, name="nhs_lookup"),
    path("students/<uuid:pk>/", views.student_detail, name="student_detail"),
    path("students/<uuid:pk>/emergency-access/", views.break_glass, name="break_glass"),
    # Running emergency accesses, for the DSL and deputies to see and end (P10)
    path("emergency-access/", views.emergency_access_list, name="emergency_access_list"),
    path(
        "emergency-access/<int:pk>/end/",
        views.end_emergency_access,
        name="end_emergency_access",
    ),
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
    path(
        "students/<uuid:pk>/family/<uuid:link_pk>/end/",
        family_views.end_parent_link,
        name="end_parent_link",
    ),
    path(
        "students/<uuid:pk>/family/ended/<uuid:ended_pk>/restore/",
        family_views.restore_parent_link,
        name="restore_parent_link",
    ),
    path("meetings/", family_views.meeting_list, name="meeting_list"),
    path("meetings/<uuid:pk>/", family_views.meeting_detail, name="meeting_detail"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    # Who supports a child (P25), who else reads the family section (P6), requests to talk (P7)
    path("students/<uuid:pk>/support/assign/", support_views.assign_support, name="assign_support"),
    path(
        "students/<uuid:pk>/support/<int:assignment_pk>/end/",
        support_views.end_assignment,
        name="end_assignment",
    ),
    path(
        "students/<uuid:pk>/family-sharing/",
        support_views.share_family_section,
        name="share_family",
    ),
    path(
        "students/<uuid:pk>/family-sharing/<int:user_pk>/stop/",
        support_views.stop_sharing_family_section,
        name="stop_sharing_family",
    ),
    path(
        "students/<uuid:pk>/talk-requests/new/",
        support_views.record_talk_request,
        name="record_talk_request",
    ),
    path("talk-requests/", support_views.talk_request_list, name="talk_request_list"),
    path("talk-requests/<uuid:pk>/", support_views.talk_request_detail, name="talk_request_detail"),
    path(
        "classes/<int:pk>/photographs/",
        family_views.class_photo_consent,
        name="class_photo_consent",
    ),
]
