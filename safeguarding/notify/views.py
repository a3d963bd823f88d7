from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import FormView, ListView

from safeguarding.records.subjects import name_each

from .models import DeliveryPreference, Notification
from .services import delivery_of, delivery_set, notification_mark_read

Delivery = DeliveryPreference.Delivery


class NotificationListView(LoginRequiredMixin, ListView):
    """A person's own notifications: scoped to request.user, so no other policy applies."""

    template_name = "notify/list.html"
    paginate_by = 50
    context_object_name = "notifications"

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(delivery=delivery_of(self.request.user), **kwargs)
        # each notification names what it is about, with a link (ADR 26); its email did not
        ctx["notifications"] = name_each(self.request.access, list(ctx["notifications"]))
        return ctx

    def post(self, request, *args, **kwargs):
        notification_mark_read(recipient=request.user)
        return redirect("notify:list")


def _digest_time() -> str:
    hour = settings.DIGEST_HOUR % 24
    return "midday" if hour == 12 else "midnight" if hour == 0 else f"{hour % 12}{'am' if hour < 12 else 'pm'}"


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How do you want to get emails about your notifications?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you want to get emails about your notifications",
                        "invalid_choice": "Select how you want to get emails about your notifications"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].choices = [
            (Delivery.IMMEDIATE, "Straight away: one email for each notification"),
            (Delivery.DIGEST, f"Daily digest: one email a day at {_digest_time()}, listing everything new"),
        ]
        self.fields["delivery"].help_text = "Your notifications always appear on the Notifications page as well."


class DeliverySettingsView(LoginRequiredMixin, FormView):
    """A person's own choice of immediate emails or a daily digest: only ever request.user's."""

    template_name = "notify/settings.html"
    form_class = DeliveryForm
    success_url = reverse_lazy("notify:list")

    def get_initial(self):
        return {"delivery": delivery_of(self.request.user)}

    def form_valid(self, form):
        delivery_set(user=self.request.user, delivery=form.cleaned_data["delivery"])
        if form.cleaned_data["delivery"] == Delivery.DIGEST:
            messages.success(self.request, f"You will get one email a day at {_digest_time()}.")
        else:
            messages.success(self.request, "You will get an email for each notification straight away.")
        return super().form_valid(form)
