from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class SchoolUserAdmin(UserAdmin):
    """Accounts and roles. Confidential records are deliberately not in the admin: they are read
    only through the access policy's door, which checks and audits every look."""

    fieldsets = UserAdmin.fieldsets + (
        ("How to reach them", {"fields": ("job_title", "phone", "room")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "job_title", "is_active")
