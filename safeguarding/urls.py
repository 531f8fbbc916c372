from django.urls import path

from .views import (
    adults,
    advice,
    alerts,
    casework,
    chronology,
    mine,
    raising,
    sharing,
    team,
    training,
)

app_name = "safeguarding"

urlpatterns = [
    path("", team.dashboard, name="dashboard"),
    path("log/", raising.log_concern, name="log_concern"),
    path("log/draft/", raising.autosave, name="autosave"),
    path("log/draft/discard/", raising.discard_draft, name="discard_draft"),
    path("mine/", mine.my_concerns, name="my_concerns"),
    path("mine/<uuid:pk>/", mine.my_concern, name="my_concern"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/read/", alerts.mark_read, name="alerts_read"),
    path("alerts/<int:pk>/read/", alerts.mark_read, name="alert_read"),
    path("concerns/<uuid:pk>/", team.concern_detail, name="concern"),
    path("concerns/<uuid:pk>/acknowledge/", casework.acknowledge, name="acknowledge"),
    path("concerns/<uuid:pk>/triage/", casework.triage, name="triage"),
    path("concerns/<uuid:pk>/notes/", casework.add_note, name="add_note"),
    path("concerns/<uuid:pk>/actions/", casework.add_action, name="add_action"),
    path(
        "concerns/<uuid:pk>/actions/<uuid:action_pk>/done/",
        casework.complete_action,
        name="complete_action",
    ),
    path("concerns/<uuid:pk>/referrals/", casework.add_referral, name="add_referral"),
    path(
        "concerns/<uuid:pk>/referrals/<uuid:referral_pk>/",
        casework.update_referral,
        name="update_referral",
    ),
    path("concerns/<uuid:pk>/shares/", sharing.add_share, name="add_share"),
    path("concerns/<uuid:pk>/close/", casework.close, name="close"),
    path("concerns/<uuid:pk>/reopen/", casework.reopen, name="reopen"),
    path(
        "concerns/<uuid:pk>/attachments/<uuid:attachment_pk>/",
        casework.download_attachment,
        name="attachment",
    ),
    path("children/<uuid:pk>/chronology/", chronology.chronology_page, name="chronology"),
    path(
        "children/<uuid:pk>/chronology/print/",
        chronology.chronology_print,
        name="chronology_print",
    ),
    path(
        "children/<uuid:pk>/chronology/pdf/",
        chronology.chronology_export,
        name="chronology_pdf",
    ),
    path("advice/ask/", advice.ask, name="ask_advice"),
    path("advice/mine/", advice.my_requests, name="my_advice_list"),
    path("advice/mine/<uuid:pk>/", advice.my_request, name="my_advice"),
    path("advice/", advice.team_list, name="advice_list"),
    path("advice/<uuid:pk>/", advice.answer, name="advice_answer"),
    path("advice/<uuid:pk>/concern/", advice.convert, name="advice_convert"),
    path("adults/log/", adults.log_adult_concern, name="log_adult_concern"),
    path("adults/", adults.adult_concerns, name="adult_concerns"),
    path("training/", training.dashboard, name="training"),
    path("training/mine/", training.my_training, name="my_training"),
    path("training/mine/read/", training.record_reading, name="record_reading"),
]
