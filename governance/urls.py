from django.urls import path

from .views import editing, governors, meetings, minutes, papers, public, reports

app_name = "governance"

urlpatterns = [
    path("", meetings.meeting_list, name="meetings"),
    path("attendance/", governors.attendance_record, name="attendance_record"),
    path("meetings/new/", meetings.add_meeting, name="add_meeting"),
    path("meetings/<uuid:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<uuid:pk>/edit/", editing.edit_meeting, name="edit_meeting"),
    path("meetings/<uuid:pk>/agenda/", meetings.add_agenda_item, name="add_agenda_item"),
    path(
        "meetings/<uuid:pk>/agenda/<uuid:item_pk>/",
        editing.edit_agenda_item,
        name="edit_agenda_item",
    ),
    path(
        "meetings/<uuid:pk>/agenda/<uuid:item_pk>/delete/",
        editing.delete_agenda_item,
        name="delete_agenda_item",
    ),
    path(
        "meetings/<uuid:pk>/agenda/<uuid:item_pk>/move/",
        editing.move_agenda_item,
        name="move_agenda_item",
    ),
    path("meetings/<uuid:pk>/attendance/", meetings.record_attendance, name="attendance"),
    path("meetings/<uuid:pk>/minutes/", meetings.add_public_item, name="add_public_item"),
    path(
        "meetings/<uuid:pk>/minutes/<uuid:item_pk>/",
        editing.edit_public_item,
        name="edit_public_item",
    ),
    path(
        "meetings/<uuid:pk>/minutes/<uuid:item_pk>/delete/",
        editing.delete_public_item,
        name="delete_public_item",
    ),
    path(
        "meetings/<uuid:pk>/minutes/<uuid:item_pk>/move/",
        editing.move_public_item,
        name="move_public_item",
    ),
    path(
        "meetings/<uuid:pk>/minutes/<uuid:item_pk>/make-confidential/",
        minutes.make_confidential,
        name="make_confidential",
    ),
    path(
        "meetings/<uuid:pk>/confidential/",
        minutes.confidential_minutes,
        name="confidential_minutes",
    ),
    path(
        "meetings/<uuid:pk>/confidential/<uuid:item_pk>/",
        editing.edit_confidential_item,
        name="edit_confidential_item",
    ),
    path(
        "meetings/<uuid:pk>/confidential/<uuid:item_pk>/delete/",
        editing.delete_confidential_item,
        name="delete_confidential_item",
    ),
    path(
        "meetings/<uuid:pk>/confidential/<uuid:item_pk>/move/",
        editing.move_confidential_item,
        name="move_confidential_item",
    ),
    path(
        "meetings/<uuid:pk>/confidential/<uuid:item_pk>/make-public/",
        minutes.make_public,
        name="make_public",
    ),
    path("meetings/<uuid:pk>/approve/", meetings.approve_minutes, name="approve_minutes"),
    path("meetings/<uuid:pk>/publish/", meetings.publish_minutes, name="publish_minutes"),
    path("meetings/<uuid:pk>/papers/", papers.upload_paper, name="upload_paper"),
    path("meetings/<uuid:pk>/papers/<uuid:paper_pk>/", papers.download_paper, name="paper"),
    path(
        "meetings/<uuid:pk>/papers/<uuid:paper_pk>/replace/",
        papers.replace_paper,
        name="replace_paper",
    ),
    path(
        "meetings/<uuid:pk>/papers/<uuid:paper_pk>/remove/",
        papers.remove_paper,
        name="remove_paper",
    ),
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.add_report, name="add_report"),
    path("reports/<uuid:pk>/", reports.report_detail, name="report"),
    path("reports/<uuid:pk>/items/", reports.add_report_item, name="add_report_item"),
    path("reports/<uuid:pk>/send/", reports.send_report, name="send_report"),
    # Public, as on the school website: the published public minutes (and their search) and
    # their PDFs.
    path("minutes/", public.published_minutes_page, name="published_minutes"),
    path("minutes/<slug:slug>.pdf", public.published_minutes_pdf, name="published_minutes_pdf"),
]
