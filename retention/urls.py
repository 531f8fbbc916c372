from django.urls import path

from .views import certificates, holds, report, reviews, rules

app_name = "retention"

urlpatterns = [
    path("", report.report, name="report"),
    path("rules/", rules.rule_list, name="rules"),
    path("rules/<slug:kind>/", rules.edit_rule, name="edit_rule"),
    path("holds/", holds.hold_list, name="holds"),
    path("holds/new/", holds.place_hold, name="place_hold"),
    path("holds/<uuid:pk>/lift/", holds.lift_hold, name="lift_hold"),
    path("review/<slug:kind>/<slug:reference>/", reviews.review, name="review"),
    path("certificates/", certificates.certificate_list, name="certificates"),
]
