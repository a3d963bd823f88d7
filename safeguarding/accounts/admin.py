from django.contrib import admin

from safeguarding.admin_base import NoDeleteAdmin

from .models import Agency, ApiCallLog, ApiClient, Membership, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    can_delete = False


@admin.register(User)
class UserAdmin(NoDeleteAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "memberships__agency")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined", "deactivated_at", "deactivated_by", "password")
    exclude = ("groups", "user_permissions")
    inlines = [MembershipInline]


@admin.register(Agency)
class AgencyAdmin(NoDeleteAdmin):
    list_display = ("name", "kind", "statutory_partner", "is_active")
    list_filter = ("kind", "statutory_partner", "is_active")
    search_fields = ("name",)


@admin.register(Team)
class TeamAdmin(NoDeleteAdmin):
    list_display = ("name", "agency", "is_active")
    list_filter = ("agency",)


@admin.register(ApiClient)
class ApiClientAdmin(NoDeleteAdmin):
    list_display = ("name", "agency", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("token_prefix", "token_hash", "user", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # created with `manage.py create_api_client`, which shows the token once


@admin.register(ApiCallLog)
class ApiCallLogAdmin(admin.ModelAdmin):
    list_display = ("at", "client", "method", "endpoint", "status_code")
    list_filter = ("client", "status_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
