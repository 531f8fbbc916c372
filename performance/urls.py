from django.urls import path

from .views import actions, files, observations

app_name = "performance"

urlpatterns = [
    path("", files.home, name="home"),
    path("overview/", files.overview, name="overview"),
    path("overview/dates/", files.cycle_dates, name="cycle_dates"),
    path("staff/<int:pk>/open/", files.open_new_file, name="open_file"),
    path("files/<uuid:pk>/", files.file_page, name="file"),
    path("files/<uuid:pk>/objectives/", actions.add_objective, name="add_objective"),
    path(
        "files/<uuid:pk>/objectives/<uuid:objective_pk>/progress/",
        actions.add_progress,
        name="add_progress",
    ),
    path("files/<uuid:pk>/reviews/", actions.add_review, name="add_review"),
    path(
        "files/<uuid:pk>/reviews/<uuid:review_pk>/comments/",
        actions.comment_on_review,
        name="comment_on_review",
    ),
    path("files/<uuid:pk>/data/", actions.add_data_entry, name="add_data_entry"),
    path("files/<uuid:pk>/pay/", actions.pay_recommendation, name="pay_recommendation"),
    path("files/<uuid:pk>/delegate/", actions.delegate, name="delegate"),
    path("files/<uuid:pk>/delegate/end/", actions.end_delegation, name="end_delegation"),
    path("files/<uuid:pk>/observations/", actions.arrange_observation, name="arrange_observation"),
    path("observations/<uuid:pk>/", observations.observation_page, name="observation"),
    path(
        "observations/<uuid:pk>/sheets/<uuid:sheet_pk>/",
        observations.download_sheet,
        name="observation_sheet",
    ),
]
