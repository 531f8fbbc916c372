from django.urls import path

from .views import file, requests

app_name = "subject_access"

urlpatterns = [
    path("", requests.home, name="home"),
    path("log/", requests.log_request, name="log"),
    path("<uuid:pk>/", requests.request_page, name="request"),
    path("<uuid:pk>/details/", requests.edit, name="edit"),
    path("<uuid:pk>/extend/", requests.extend, name="extend"),
    path("<uuid:pk>/status/", requests.move_on, name="move_on"),
    path("<uuid:pk>/gather/", file.gather, name="gather"),
    path("<uuid:pk>/file/", file.file_page, name="file"),
    path("<uuid:pk>/file/redact/", file.redact_everywhere, name="redact_everywhere"),
    path(
        "<uuid:pk>/file/redact/<int:index>/remove/",
        file.unredact_everywhere,
        name="unredact_everywhere",
    ),
    path("<uuid:pk>/file/<int:number>/", file.item_page, name="item"),
    path(
        "<uuid:pk>/file/<int:number>/marks/<int:index>/remove/",
        file.remove_mark,
        name="remove_mark",
    ),
    path("<uuid:pk>/preview/", file.preview, name="preview"),
    path("<uuid:pk>/answer.pdf", file.export, name="export"),
]
