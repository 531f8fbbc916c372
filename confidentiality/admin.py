from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

from . import team
from .models import User
from .roles import Role


class SchoolUserChangeForm(UserChangeForm):
    def clean_groups(self):
        """P8: one current DSL. Say so on the form instead of failing on save."""
        groups = self.cleaned_data.get("groups")
        if groups is not None and groups.filter(name=Role.DSL.group_name).exists():
            holder = (
                User.objects.filter(groups__name=Role.DSL.group_name)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if holder is not None:
                raise forms.ValidationError(
                    f"{holder} is already the DSL, and a school has exactly one. To hand over, "
                    "use the Safeguarding team page (/team/), or tick this person in the list "
                    "of users and choose the action “Appoint as DSL”."
                )
        return groups


@admin.register(User)
class SchoolUserAdmin(UserAdmin):
    """Accounts and roles. Confidential records are deliberately not in the admin: they are read
    only through the access policy's door, which checks and audits every look."""

    form = SchoolUserChangeForm
    fieldsets = UserAdmin.fieldsets + (
        ("How to reach them", {"fields": ("job_title", "phone", "room")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "job_title", "is_active")
    actions = ["appoint_as_dsl"]

    @admin.action(description="Appoint as DSL (hands over from the current DSL)")
    def appoint_as_dsl(self, request, queryset):
        """P8: the same hand-over as the Safeguarding team page: one DSL, audited, and the
        previous DSL told by email."""
        if queryset.count() != 1:
            self.message_user(
                request, "Choose exactly one person to appoint as DSL.", messages.ERROR
            )
            return
        person = queryset.get()
        if not team.school_staff().filter(pk=person.pk).exists():
            self.message_user(
                request,
                f"{person} is not an active member of staff, so cannot be the DSL.",
                messages.ERROR,
            )
            return
        previous = team.hand_over_dsl(request, person)
        self.message_user(
            request,
            f"{person} is now the DSL."
            + (f" {previous} has been told by email." if previous else ""),
            messages.SUCCESS,
        )
