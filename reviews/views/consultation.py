"""A parent's or carer's own form (ADR 15), opened by their link without an account through the links' one public
door (``reviews.views.voice.VoiceView``: its rate limits, its 404 for a link that opens nothing, its no-store and
referrer headers). It reaches this invitation's consultation and nothing else: no navigation, no link into the
hub; the child's first name, the review's day and the IRO's name only.

GET shows the form (with what they saved so far); POST saves it ("save"), shows the answers to check ("check"),
or sends them to the IRO ("send", final)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from safeguarding.forms import apply_service_errors

from .. import services
from ..documents import first_name
from ..models import InviteeConsultation
from .forms_invitations import InviteeViewsForm

CHOICES = ("attending",)


class InviteeViewsPage(View):
    """Served by the door with the ``link`` the token opened (never routed by itself)."""

    template_name = "reviews/voice/views_form.html"

    def dispatch(self, request, *args, link, **kwargs):
        self.link, self.invitation, self.review = link, link.invitation, link.review
        try:
            self.consultation = self.invitation.consultation
        except InviteeConsultation.DoesNotExist:
            self.consultation = None
        return super().dispatch(request, *args, **kwargs)

    def context(self, **kwargs) -> dict:
        return {"name": first_name(self.review.episode.child), "review": self.review,
                "iro_name": self.review.iro.display_name if self.review.iro else "",
                "consultation": self.consultation, "action_url": self.request.path, **kwargs}

    def _initial(self) -> dict:
        if self.consultation is None:
            return {}
        return {name: getattr(self.consultation, name) for name in InviteeViewsForm.base_fields}

    def get(self, request, *args, **kwargs):
        if self.consultation is not None and self.consultation.sent_at:
            return render(request, "reviews/voice/views_sent.html", self.context())
        return render(request, self.template_name, self.context(form=InviteeViewsForm(initial=self._initial()),
                                                                saved=request.GET.get("saved") == "1"))

    def post(self, request, *args, **kwargs):
        if self.consultation is not None and self.consultation.sent_at:
            return render(request, "reviews/voice/views_sent.html", self.context())
        form = InviteeViewsForm(request.POST)
        action = request.POST.get("action", "save")
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form))
        try:
            self.consultation = services.invitee_views_save(link=self.link, answers=form.answers(),
                                                            send=action == "send")
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return render(request, self.template_name, self.context(form=form))
        if action == "send":
            return render(request, "reviews/voice/views_sent.html", self.context())
        if action == "check":
            c = self.consultation
            return render(request, "reviews/voice/views_check.html", self.context(
                answers=[(InviteeViewsForm.base_fields[name].label, getattr(c, name))
                         for name, _ in InviteeConsultation.ANSWERS],
                choices=[(InviteeViewsForm.base_fields[name].label, getattr(c, f"get_{name}_display")())
                         for name in CHOICES],
                form=InviteeViewsForm(initial=self._initial())))
        return redirect(f"{request.path}?saved=1")
