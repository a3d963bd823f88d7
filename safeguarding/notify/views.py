from django.shortcuts import redirect
from django.views.generic import ListView

from .models import Notification
from .services import notification_mark_read


class NotificationListView(ListView):
    """A person's own notifications: scoped to request.user, so no other policy applies."""

    template_name = "notify/list.html"
    paginate_by = 50
    context_object_name = "notifications"

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def post(self, request, *args, **kwargs):
        notification_mark_read(recipient=request.user)
        return redirect("notify:list")
