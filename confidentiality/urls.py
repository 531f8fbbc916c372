from django.contrib import admin
from django.urls import include, path

from confidentiality.views import (
    accounts,
    agreement,
    audit_trail,
    dashboard,
    health,
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

audit_urls = ([path("", audit_trail.trail, name="trail")], "audit")

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/two-factor/", include(two_factor_urls)),
    path("agreement/", agreement.sign, name="agreement"),
    path("agreement/publish/", agreement.publish, name="agreement_publish"),
    path("agreement/signatures/", agreement.signatures, name="agreement_signatures"),
    path("audit/", include(audit_urls)),
    path("records/", include("records.urls")),
    path("portal/", include("records.portal_urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("admin/", admin.site.urls),
]
