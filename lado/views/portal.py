"""The referral portal: registering (public: the details, then the link in the email, then a password),
the referrer's own referrals (the reference, the status and what the LADO shared, nothing else), and the
referral form. A suspended account sees that it is suspended and nothing else.

The registration pages are open without an account (``lado:register``, ``lado:register_sent``,
``lado:verify`` in the kernel's ``PUBLIC_URL_NAMES``), rate limited per address in the cache, ``no-store``,
and the verification link is sent only as the origin in a Referer."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import FormView, TemplateView

from safeguarding.accounts.ip import client_ip
from safeguarding.forms import apply_service_errors
from safeguarding.pages import NO_SUCH_RECORD

from .. import services
from ..policies import referral_policy
from ..rules import REGISTRATIONS_PER_ADDRESS
from ..selectors.pages import agency_by_public_id, lado_services, portal_referrals, portal_status
from ..selectors.processes import shared_minutes
from .base import ReferralPage
from .evidence import evidence_for
from .forms import PasswordForm, RegisterForm
from .referral import ReferralFormView

WINDOW = 3600  # seconds: registrations are counted per address over an hour


def _over(key: str, limit: int) -> bool:
    cache.add(key, 0, WINDOW)
    try:
        n = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW)
        n = 1
    return n > limit


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class RegisterView(FormView):
    """Register for the portal: name, work email, organisation and its kind, role, the LADO service."""

    form_class = RegisterForm
    template_name = "lado/portal/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("lado:portal")
        return _private(super().dispatch(request, *args, **kwargs))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "authorities": lado_services()}

    def form_valid(self, form):
        if _over(f"lado:register:{client_ip(self.request) or 'unknown'}", REGISTRATIONS_PER_ADDRESS):
            return render(self.request, "lado/portal/too_many.html", status=429)
        data = {**form.cleaned_data, "local_authority": agency_by_public_id(form.cleaned_data["local_authority"])}
        try:
            services.referrer_register(data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect("lado:register_sent")


class RegisterSentView(TemplateView):
    template_name = "lado/portal/register_sent.html"

    def dispatch(self, request, *args, **kwargs):
        return _private(super().dispatch(request, *args, **kwargs))


class VerifyView(FormView):
    """The link in the email: choose a password, and the account is made. A link that does not work (used,
    replaced, expired, never sent) is one page, whatever the reason."""

    form_class = PasswordForm
    template_name = "lado/portal/verify.html"

    def dispatch(self, request, *args, **kwargs):
        registration = services.registration_for_token(kwargs["token"])
        if registration is None:
            return _private(render(request, "lado/portal/link_gone.html", status=404))
        self.registration = registration
        return _private(super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["registration"] = self.registration
        return ctx

    def form_valid(self, form):
        try:
            services.referrer_verify(token=self.kwargs["token"], password=form.cleaned_data["password"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Your account is ready. Sign in to make a referral.")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': reverse('lado:portal')})}")


class PortalHomeView(TemplateView):
    """``/lado/portal/``: the signed-in person's own referrals (reference, status, updates), and the way to make
    one. A suspended account sees only that it is suspended."""

    template_name = "lado/portal/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        can_refer = referral_policy.can_refer(access)
        rows = []
        if can_refer:
            rows = portal_referrals(referral_policy.visible(access, "track").filter(referred_by=self.request.user))
            for r in rows:
                r.status_label = portal_status(r)
        ctx.update(can_refer=can_refer, referrals=rows)
        return ctx


class PortalReferralCreateView(ReferralFormView):
    """The portal's referral form: the referrer is the signed-in person."""

    def dispatch(self, request, *args, **kwargs):
        if not referral_policy.can_refer(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title="Make a referral to the LADO", back_url=reverse("lado:portal"),
                   back_label="Back to your referrals", portal=True)
        return ctx

    def submit(self, *, la, data, children, late_reason):
        return services.referral_submit(actor=self.request.user, local_authority=la, data=data, children=children,
                                        late_reason=late_reason)

    def success_url_for(self, referral):
        return reverse("lado:portal_referral", args=[referral.public_id])


class PortalReferralView(ReferralPage, TemplateView):
    """A referrer's own referral: its reference, when it was received, the setting, its status and what the LADO
    shared. Nothing of the decisions, the index or the other people involved."""

    action = "track"
    template_name = "lado/portal/referral.html"

    def back(self):
        return reverse("lado:portal"), "Back to your referrals"

    def get(self, request, *args, **kwargs):
        services.lado_read_log(user=request.user, record=self.referral, what="portal: referral status")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(status=portal_status(self.referral),
                   shared=list(self.referral.shared_updates.live().order_by("created_at", "pk")),
                   evidence=evidence_for(self.request, self.referral))
        ctx["shared_minutes"] = shared_minutes(self.case)  # the employer's version of minutes (ADR 21)
        return ctx
