from simple_history.admin import SimpleHistoryAdmin


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Admin for records that are closed, deactivated or marked in error, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
