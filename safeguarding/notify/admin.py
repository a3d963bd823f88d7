"""The one email outbox in the admin (ADR 8): what is waiting, what was sent and, above all, what
failed for good (filter by status "failed"), with the error. Read-only: rows are written by services
and sent by the outbox; an administrator may only send failed emails again (a fresh set of attempts)."""

from django.contrib import admin, messages

from .models import OutboxEmail
from .outbox import outbox_email_retry


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "topic", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "topic")
    search_fields = ("to", "subject", "key")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = ("key", "topic", "group", "recipient", "to", "subject", "body", "attachment_names", "status",
                       "created_at", "next_attempt_at", "attempts", "last_error", "sent_at")
    exclude = ("attachments",)
    actions = ["send_again"]

    @admin.display(description="Attachments")
    def attachment_names(self, obj):
        return ", ".join(a["filename"] for a in obj.attachments) or "None"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Send the selected failed emails again", permissions=["view"])
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=OutboxEmail.Status.FAILED))
        for email in failed:
            outbox_email_retry(email=email)
        self.message_user(request, f"{len(failed)} failed email(s) will be sent again within a minute.",
                          messages.SUCCESS)
