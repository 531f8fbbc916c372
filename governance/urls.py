from django.urls import path

from .views import meetings, minutes, papers, public, reports

app_name = "governance"

urlpatterns = [
    path("", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.add_meeting, name="add_meeting"),
    path("meetings/<uuid:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<uuid:pk>/agenda/", meetings.add_agenda_item, name="add_agenda_item"),
    path("meetings/<uuid:pk>/attendance/", meetings.record_attendance, name="attendance"),
    path("meetings/<uuid:pk>/minutes/", meetings.add_public_item, name="add_public_item"),
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
        "meetings/<uuid:pk>/confidential/<uuid:item_pk>/make-public/",
        minutes.make_public,
        name="make_public",
    ),
    path("meetings/<uuid:pk>/approve/", meetings.approve_minutes, name="approve_minutes"),
    path("meetings/<uuid:pk>/publish/", meetings.publish_minutes, name="publish_minutes"),
    path("meetings/<uuid:pk>/papers/", papers.upload_paper, name="upload_paper"),
    path("meetings/<uuid:pk>/papers/<uuid:paper_pk>/", papers.download_paper, name="paper"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.add_report, name="add_report"),
    path("reports/<uuid:pk>/", reports.report_detail, name="report"),
    path("reports/<uuid:pk>/items/", reports.add_report_item, name="add_report_item"),
    path("reports/<uuid:pk>/send/", reports.send_report, name="send_report"),
    # Public, as on the school website: the published public minutes and their PDFs.
    path("minutes/", public.published_minutes_page, name="published_minutes"),
    path("minutes/<slug:slug>.pdf", public.published_minutes_pdf, name="published_minutes_pdf"),
]
