"""The child's own voice: the page on which the IRO or the social worker makes the child's link (shown once),
and the child's pages, opened by the link without an account. The same door opens a parent's or carer's
consultation link (``reviews.views.consultation``, ADR 15), with the same limits and headers.

The child's pages (``/reviews/voice/<token>/``) reach one review's consultation and nothing else: no
navigation, no link into the hub, the child's first name, the review's date and their IRO's name only. Every
answer is "no-store", and its Referrer-Policy gives the origin only (never the token in the path).

They are limited: per address, a few tries of tokens that open nothing (``BAD_TOKENS``) and a bound on all
requests (``PER_ADDRESS``); per link, a bound on saves (``SAVES``); past a limit the answer is 429, whatever
the token. A token that opens nothing is the same 404 whatever the reason (unknown, replaced, turned off,
expired, the review held)."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from safeguarding.accounts.ip import client_ip
from safeguarding.forms import apply_service_errors
from safeguarding.pages import day

from .. import selectors, services
from ..documents import first_name
from ..models import ChildConsultation, Review
from .base import ReviewFormPage
from .forms import ChildLinkForm, VoiceForm

SESSION_KEY = "reviews.voice.new_link"
WINDOW = 600  # seconds: the rate limits count over ten minutes
PER_ADDRESS = 120  # requests of the child's pages from one address
BAD_TOKENS = 10  # tokens that open nothing, from one address
SAVES = 60  # saves through one link


class ChildLinkView(ReviewFormPage):
    """Make the child's link (or their advocate's) for this review, and see it once."""

    action = "prepare"
    form_class = ChildLinkForm
    title = "Ask the child for their views"
    submit_label = "Make the link"

    def load(self):
        self.live_links = selectors.live_links_of(self.review)
        self.new_link = self.request.session.pop(SESSION_KEY, None) if self.request.method == "GET" else None

    def done(self):
        if self.review.status not in (Review.Status.REQUESTED, Review.Status.SCHEDULED):
            return "The child's views are asked for before a review that is asked for or booked."
        return ""

    def intro(self):
        if self.done():
            return []
        return ["The link opens a short form in plain words, on a phone or a computer, without an account. The child "
                "(or their advocate, with them) can save it and finish later, and sends it to their IRO when they "
                "are ready. If they say they do not feel safe, you, their team manager and the IRO are told at "
                "once.", "The link works for this review only, until it is held. Making a new one turns off the "
                "last one for the same person. Send it to them yourself, by text or email: it is shown only once."]

    def rows(self):
        rows = []
        for link in self.live_links:
            state = "Opened" if link.last_opened_at else "Not opened yet"
            who = "The advocate's link" if link.for_advocate else "The child's link"
            rows.append((who, f"Made {day(link.created_at)}. {state}. Works until the review is held, or "
                              f"{day(link.expires_at)} at the latest."))
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.new_link:
            ctx["new_link"] = self.request.build_absolute_uri(
                reverse("reviews:voice", kwargs={"token": self.new_link["token"]}))
            ctx["new_link_for_advocate"] = self.new_link["for_advocate"]
        return ctx

    template_name = "reviews/child_link.html"

    def form_valid(self, form):
        for_advocate = form.cleaned_data["for_advocate"]

        def issue():
            link, token = services.child_link_issue(actor=self.request.user, review=self.review,
                                                    for_advocate=for_advocate)
            self.request.session[SESSION_KEY] = {"token": token, "for_advocate": for_advocate}
            return link

        return self.run(form, issue, "The link has been made. Copy it now: it is not shown again.",
                        self.url("child_link"))


# --- the child's pages ------------------------------------------------------------------------------------------
def _over(key: str, limit: int) -> bool:
    """Count one more against ``key`` in this window; whether the count is now past ``limit``."""
    cache.add(key, 0, WINDOW)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        n = 1
    return n > limit


def _private(response):
    response["Cache-Control"] = "no-store"
    # the origin only, never the path (the token) in a Referer; not "no-referrer", under which browsers send
    # "Origin: null" with the form's POST and the CSRF check refuses it
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def other_links():
    """The other kinds of link this door opens, after the child's own: (kind, the link a token opens or None, the
    page that serves it). A parent's or carer's consultation link (``reviews.views.consultation``, ADR 15)."""
    from .consultation import InviteeViewsPage  # it stands on this door: imported when a token is tried

    return (("consultation", selectors.consultation_link_for_token, InviteeViewsPage),)


class VoiceView(View):
    """The one public door of the links (``/reviews/voice/<token>/``): the child's own link first, then the other
    kinds (``other_links``), under the same limits and headers.

    The child's form: GET shows it (with what they saved so far); POST saves it ("save"), shows their
    answers to check ("check"), or sends it to their IRO ("send")."""

    template_name = "reviews/voice/form.html"

    def dispatch(self, request, *args, **kwargs):
        address = client_ip(request) or "unknown"
        if _over(f"reviews:voice:address:{address}", PER_ADDRESS) or \
                (cache.get(f"reviews:voice:bad:{address}") or 0) >= BAD_TOKENS:
            return _private(render(request, "reviews/voice/too_many.html", status=429))
        self.link = selectors.link_for_token(kwargs["token"])
        if self.link is None:
            for kind, find, page in other_links():
                link = find(kwargs["token"])
                if link is not None:
                    if request.method == "POST" and _over(f"reviews:voice:saves:{kind}:{link.pk}", SAVES):
                        return _private(render(request, "reviews/voice/too_many.html", status=429))
                    return _private(page.as_view()(request, link=link))
            _over(f"reviews:voice:bad:{address}", BAD_TOKENS)
            return _private(render(request, "reviews/voice/gone.html", status=404))
        self.review = self.link.review
        try:
            self.consultation = self.link.consultation
        except ChildConsultation.DoesNotExist:
            self.consultation = None
        return _private(super().dispatch(request, *args, **kwargs))

    def context(self, **kwargs) -> dict:
        child = self.review.episode.child
        return {"name": first_name(child), "review": self.review, "iro_name": self.review.iro.display_name
                if self.review.iro else "", "for_advocate": self.link.for_advocate,
                "consultation": self.consultation, "action_url": self.request.path, **kwargs}

    def get(self, request, *args, **kwargs):
        if self.consultation is not None and self.consultation.sent_at:
            return render(request, "reviews/voice/sent.html", self.context())
        initial = {}
        if self.consultation is not None:
            initial = {name: getattr(self.consultation, name) for name in VoiceForm.base_fields}
        return render(request, self.template_name, self.context(form=VoiceForm(initial=initial),
                                                                saved=request.GET.get("saved") == "1"))

    def post(self, request, *args, **kwargs):
        if self.consultation is not None and self.consultation.sent_at:
            return render(request, "reviews/voice/sent.html", self.context())
        if _over(f"reviews:voice:saves:{self.link.pk}", SAVES):
            return render(request, "reviews/voice/too_many.html", status=429)
        form = VoiceForm(request.POST)
        action = request.POST.get("action", "save")
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form), status=200)
        try:
            self.consultation = services.child_views_save(link=self.link, answers=form.answers(),
                                                          send=action == "send")
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return render(request, self.template_name, self.context(form=form))
        if action == "send":
            return render(request, "reviews/voice/sent.html", self.context())
        if action == "check":
            return render(request, "reviews/voice/check.html", self.context(
                answers=[(VoiceForm.base_fields[name].label, getattr(self.consultation, name))
                         for name, _ in ChildConsultation.ANSWERS],
                choices=[(VoiceForm.base_fields[name].label, getattr(self.consultation, f"get_{name}_display")())
                         for name in ("advocate", "take_part", "feel_safe")],
                form=VoiceForm(initial={name: getattr(self.consultation, name) for name in VoiceForm.base_fields})))
        return redirect(f"{request.path}?saved=1")

