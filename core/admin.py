"""Admin for jobs and tenancy."""

from django.contrib import admin

from core import models as m


@admin.register(m.Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "done", "total", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = ("log", "error", "counts", "result")


@admin.register(m.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)


@admin.register(m.LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """The sign-in audit trail (read-only: rows are written by the sign-in forms)."""

    list_display = ("at", "outcome", "username", "ip", "path")
    list_filter = ("outcome", "path")
    search_fields = ("username", "ip")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
