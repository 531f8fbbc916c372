"""The site's addresses. Every view is declared through the access policy's door
(``access.requires`` or ``access.public``, see ``confidentiality/access.py``); the admin is
Django's own, behind its second factor (``OTPAdminSite``)."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from confidentiality import access
from confidentiality.views import (
    accounts,
    agreement,
    audit_trail,
    calendar,
    dashboard,
    health,
    team,
    two_factor,
)

two_factor_urls = (
    [
        path("", two_factor.manage, name="manage"),
        path("setup/", two_factor.setup, name="setup"),
        path("verify/", two_factor.verify, name="verify"),
        path("recovery-codes/", two_factor.new_recovery_codes, name="recovery_codes"),
    ],
    "two_factor",
)

audit_urls = (
    [
        path("", audit_trail.trail, name="trail"),
        path("export.csv", audit_trail.export, name="export"),
    ],
    "audit",
)

calendar_urls = (
    [
        path("", calendar.calendar_page, name="page"),
        path("terms/add/", calendar.add_term, name="add_term"),
        path("terms/<uuid:pk>/", calendar.edit_term, name="edit_term"),
        path("terms/<uuid:pk>/delete/", calendar.delete_term, name="delete_term"),
        path("closures/add/", calendar.add_closure, name="add_closure"),
        path("closures/<uuid:pk>/", calendar.edit_closure, name="edit_closure"),
        path("closures/<uuid:pk>/delete/", calendar.delete_closure, name="delete_closure"),
    ],
    "calendar",
)

# The admin changes accounts (never roles, see admin.py): only with a verified second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", access.public(accounts.SignInView.as_view()), name="login"),
    path("accounts/logout/", access.public(accounts.SignOutView.as_view()), name="logout"),
    path("accounts/two-factor/", include(two_factor_urls)),
    path("accounts/email/", accounts.change_email, name="change_email"),
    path(
        "accounts/email/confirm/<str:token>/",
        accounts.confirm_email_change,
        name="change_email_confirm",
    ),
    # Forgotten passwords (and the first password of an imported account)
    path(
        "accounts/password-reset/",
        access.public(accounts.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        access.public(accounts.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        access.public(accounts.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        access.public(accounts.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("agreement/", agreement.sign, name="agreement"),
    path("agreement/publish/", agreement.publish, name="agreement_publish"),
    path("agreement/signatures/", agreement.signatures, name="agreement_signatures"),
    path("audit/", include(audit_urls)),
    path("team/", team.team_page, name="team"),
    path("team/appoint-dsl/", team.appoint_dsl, name="team_appoint_dsl"),
    path("team/deputies/", team.add_deputy, name="team_add_deputy"),
    path("team/deputies/<int:pk>/remove/", team.remove_deputy, name="team_remove_deputy"),
    path("appointments/", team.appointments_page, name="team_appointments"),
    path("appointments/<slug:role>/", team.appoint, name="team_appoint"),
    path("calendar/", include(calendar_urls)),
    path("records/", include("records.urls")),
    path("portal/", include("records.portal_urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("performance/", include("performance.urls")),
    path("governors/", include("governance.urls")),
    path("transfers/", include("transfers.urls")),
    path("subject-access/", include("subject_access.urls")),
    path("retention/", include("retention.urls")),
    path("admin/", admin.site.urls),
]
