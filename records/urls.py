from django.urls import path

from .views import (
    classes,
    emergency_access,
    families,
    importing,
    learning,
    lessons,
    sections,
    students,
    support,
)

app_name = "records"

urlpatterns = [
    path("students/", students.student_list, name="student_list"),
    path("students/find/", emergency_access.find_student, name="find_student"),
    path("students/nhs-number/", students.nhs_lookup, name="nhs_lookup"),
    path("students/<uuid:pk>/", students.student_detail, name="student_detail"),
    path("students/<uuid:pk>/emergency-access/", emergency_access.break_glass, name="break_glass"),
    # Running emergency accesses, for the DSL and deputies to see and end (P10)
    path("emergency-access/", emergency_access.emergency_access_list, name="emergency_access_list"),
    path(
        "emergency-access/<int:pk>/end/",
        emergency_access.end_emergency_access,
        name="end_emergency_access",
    ),
    # Importing the MIS exports
    path("import/", importing.import_home, name="import_home"),
    path("import/<str:kind>/", importing.import_file, name="import_file"),
    # Editing the record, section by section, and each section's history
    path(
        "students/<uuid:pk>/sections/<str:kind>/edit/",
        sections.edit_section,
        name="edit_section",
    ),
    path(
        "students/<uuid:pk>/sections/<str:kind>/history/",
        sections.history,
        name="section_history",
    ),
    # A child's learning (P12, P13)
    path("students/<uuid:pk>/grades/new/", learning.add_grade, name="add_grade"),
    path(
        "students/<uuid:pk>/progress/new/",
        learning.add_progress_note,
        name="add_progress_note",
    ),
    path("students/<uuid:pk>/work/new/", learning.upload_work, name="upload_work"),
    path("work/<uuid:pk>/download/", learning.download_work, name="download_work"),
    path("students/<uuid:pk>/work/uploaded/", lessons.work_uploaded, name="work_uploaded"),
    # Working with families (P7, P12, P15, P24)
    path("students/<uuid:pk>/messages/new/", families.send_notice, name="send_notice"),
    path(
        "students/<uuid:pk>/discussion-permission/new/",
        families.ask_discussion,
        name="ask_discussion",
    ),
    path(
        "discussion-permissions/<uuid:pk>/used/",
        families.discussion_used,
        name="discussion_used",
    ),
    path(
        "students/<uuid:pk>/family/<uuid:link_pk>/end/",
        families.end_parent_link,
        name="end_parent_link",
    ),
    path(
        "students/<uuid:pk>/family/ended/<uuid:ended_pk>/restore/",
        families.restore_parent_link,
        name="restore_parent_link",
    ),
    path("meetings/", families.meeting_list, name="meeting_list"),
    path("meetings/<uuid:pk>/", families.meeting_detail, name="meeting_detail"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    # A class's lessons and the school's sensitive topics (P19)
    path("classes/<int:pk>/lessons/new/", lessons.record_lesson, name="record_lesson"),
    path("lessons/<uuid:pk>/", lessons.lesson_detail, name="lesson_detail"),
    path("sensitive-topics/", lessons.topic_list, name="sensitive_topics"),
    path("sensitive-topics/new/", lessons.topic_form, name="add_sensitive_topic"),
    path("sensitive-topics/<int:pk>/edit/", lessons.topic_form, name="edit_sensitive_topic"),
    path(
        "sensitive-topics/<int:pk>/offered/",
        lessons.topic_offered,
        name="sensitive_topic_offered",
    ),
    # Who supports a child (P25), who else reads the family section (P6), requests to talk (P7)
    path("students/<uuid:pk>/support/assign/", support.assign_support, name="assign_support"),
    path(
        "students/<uuid:pk>/support/<int:assignment_pk>/end/",
        support.end_assignment,
        name="end_assignment",
    ),
    path(
        "students/<uuid:pk>/family-sharing/",
        support.share_family_section,
        name="share_family",
    ),
    path(
        "students/<uuid:pk>/family-sharing/<int:user_pk>/stop/",
        support.stop_sharing_family_section,
        name="stop_sharing_family",
    ),
    path(
        "students/<uuid:pk>/talk-requests/new/",
        support.record_talk_request,
        name="record_talk_request",
    ),
    path("talk-requests/", support.talk_request_list, name="talk_request_list"),
    path("talk-requests/<uuid:pk>/", support.talk_request_detail, name="talk_request_detail"),
    path(
        "classes/<int:pk>/photographs/",
        classes.class_photo_consent,
        name="class_photo_consent",
    ),
]
