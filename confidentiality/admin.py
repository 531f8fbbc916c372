"""The admin: accounts for the IT technician, and nothing more.

The admin is not a back door. Roles (groups), permissions and superuser status are changed only
through the application's audited pages (the safeguarding team and appointments pages), never
here; second-factor devices (their secrets), sessions, the audit log and queued tasks are not
shown at all. An account holding an appointed role, or handling a concern about an adult,
cannot have its email or password changed, nor be deleted, from here: those are the accounts a
stolen admin login would most want to take over. Every change saved here is an audit entry.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from . import account_alerts, team
from .models import User

# Registered by the apps we use; each would let the admin read a secret, read or rewrite the
# audit trail, or change who holds which role outside the audited pages.
NOT_IN_THE_ADMIN = (
    "auth.Group",  # role membership and each role's permissions
    "otp_totp.TOTPDevice",  # the key of each authenticator app
    "otp_static.StaticDevice",  # recovery codes
    "auditlog.LogEntry",  # the audit trail, including entries hidden from other readers
    "django_tasks_database.DBTaskResult",  # queued emails and their recipients
    "sessions.Session",
)


def _in_use(user) -> bool:
    """Someone already signs in with this account (as the imports define it)."""
    return user.last_login is not None or user.has_usable_password()


def _unregister_back_doors() -> None:
    from django.apps import apps

    for label in NOT_IN_THE_ADMIN:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_back_doors()


@admin.register(User)
class SchoolUserAdmin(UserAdmin):
    """Accounts (names, contact details, active or not). Confidential records are deliberately
    not in the admin: they are read only through the access policy's door, which checks and
    audits every look; roles are given on the audited pages of the application."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Name and email", {"fields": ("first_name", "last_name", "email")}),
        ("How to reach them", {"fields": ("job_title", "phone", "room")}),
        ("Account", {"fields": ("is_active", "is_staff", "roles_held")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("roles_held", "last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "email", "job_title", "is_active")
    list_filter = ("is_active", "is_staff")
    filter_horizontal = ()
    actions = []

    @admin.display(description="Roles")
    def roles_held(self, obj):
        names = sorted(obj.groups.values_list("name", flat=True)) if obj.pk else []
        return ", ".join(names) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and team.holds_protected_account(obj):
            # An appointed person stands down through the application's pages, never by an
            # administrator closing their account (concerns would route around them).
            fields += ["username", "email", "is_active"]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and team.holds_protected_account(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=None):
        return {}  # no bulk delete: it would go around the per-account refusal above

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if user is not None and team.holds_protected_account(user):
            # The person resets their own password (the reset is audited and alerted).
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        old_email = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data and _in_use(obj):
            account_alerts.email_changed_in_admin(obj, old_email)
        # Field names only, never values (an email address is personal data too).
        changed = ", ".join(sorted(form.changed_data)) or "nothing"
        reason = f"in the admin: {'changed ' + changed if change else 'account created'}"
        team.record_account_change(obj, "admin-change", reason)
