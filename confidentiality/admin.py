"""The admin: accounts for the IT technician, and nothing more.

The admin is not a back door. Roles (groups), permissions and superuser status are changed only
through the application's audited pages (the safeguarding team and appointments pages), never
here; second-factor devices (their secrets), sessions, the audit log and queued tasks are not
shown at all. An account holding an appointed role (``team.holds_protected_account``: everyone
who handles a concern about an adult holds one, and so does the clerk, who appoints the chair)
cannot have its email or password changed, be closed or be deleted from here: those are the
accounts a stolen admin login would most want to take over. No account someone already uses
(``team.in_use``) has its password set here either: the person resets it from the sign-in page;
the admin sets only the first password of an account nobody has used, audited and told to the
DSL and the head teacher. Nor does an account in use have its email address changed here
(whoever sets it can reset the password from their own mailbox): the person changes it on their
own "Change my email address" page, with their password. Any email change made here (of an
account nobody uses yet) is audited and told to the DSL and the head teacher. An account named
in safeguarding records is never deleted (it is closed instead). Every change saved here is an
audit entry.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

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


PASSWORD_REFUSED = "This person resets their own password from the sign-in page."  # noqa: S105
NAMED_IN_RECORDS = (
    "This account is named in safeguarding records and cannot be deleted; close it instead "
    "(untick “Active”)."
)


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
        elif obj is not None and team.in_use(obj):
            # Whoever sets the address of an account in use resets its password from their own
            # mailbox: the person changes it themselves ("Change my email address").
            fields += ["email"]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and team.holds_protected_account(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=None):
        return {}  # no bulk delete: it would go around the per-account refusal above

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError:
            # A safeguarding record names this person (its pre_delete refusal); the whole
            # deletion was rolled back.
            messages.error(request, NAMED_IN_RECORDS)
            return redirect("admin:confidentiality_user_change", object_id)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if user is not None and team.holds_protected_account(user):
            # The person resets their own password (the reset is audited and alerted).
            raise PermissionDenied
        if user is not None and team.in_use(user):
            # Whoever sets a password for an account in use can sign in as that person.
            return TemplateResponse(
                request,
                "admin/confidentiality/user/password_refused.html",
                {
                    **self.admin_site.each_context(request),
                    "person": user,
                    "explanation": PASSWORD_REFUSED,
                    "title": "Password not changed",
                },
                status=403,
            )
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db()
            if user.password != before and user.has_usable_password():
                account_alerts.password_set_in_admin(user)
        return response

    def save_model(self, request, obj, form, change):
        old_email = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            # Any account: one nobody uses yet is taken over by the first reset just the same.
            account_alerts.email_changed_in_admin(obj, old_email)
        # Field names only, never values (an email address is personal data too).
        fields = sorted(form.changed_data)
        changed = ", ".join(fields) or "nothing"
        reason = f"in the admin: {'changed ' + changed if change else 'account created'}"
        # ``fields`` and ``created`` say who shaped the account (``team.accounts_shaped_by``).
        team.record_account_change(obj, "admin-change", reason, fields=fields, created=not change)
        if not change and obj.has_usable_password():  # a first password chosen on the add form
            account_alerts.password_set_in_admin(obj)
