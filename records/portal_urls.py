"""The parent portal, mounted at /portal/ (P12)."""

from django.urls import path

from .views import portal as views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("children/<uuid:pk>/", views.child, name="child"),
    path("children/<uuid:pk>/photographs/", views.photo_consent, name="photo_consent"),
    path("children/<uuid:pk>/ask-to-meet/", views.ask_meeting, name="ask_meeting"),
    path("permissions/<uuid:pk>/", views.discussion, name="discussion"),
    path("work/<uuid:pk>/", views.work_download, name="work_download"),
]
