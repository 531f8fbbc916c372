from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

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
                    f"{holder} is already the DSL. Remove them from the DSL group first "
                    "(or appoint the new DSL with the appoint_dsl verb), so there is always "
                    "exactly one."
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
