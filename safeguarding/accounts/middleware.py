from django.conf import settings
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.http import urlencode

from .models import ApiCallLog

# Paths open without a login. Everything else needs a signed-in (and, where required, verified) person.
PUBLIC_URL_NAMES = {
    "accounts:login", "accounts:timed_out", "accounts:keepalive", "healthz", "accessibility",
    "clock:calendar_feed",  # authenticated by the secret, revocable token in its URL
    "reviews:voice",  # the child's own link to a review: the same (reviews/views/voice.py)
    "lado:register", "lado:register_sent", "lado:verify",  # the LADO referral portal's registration (ADR 19)
}
MFA_FREE_URL_NAMES = {"accounts:mfa_verify", "accounts:mfa_enrol", "accounts:logout", "accounts:keepalive"}


class LoginRequiredMiddleware:
    """Pages need a signed-in person; with MFA required, a person verified by a second factor.

    The API authenticates itself (token or session) and answers 401/403 in the API error shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path.startswith("/api/"):
            return self.get_response(request)
        try:
            match = resolve(path)
            name = match.view_name
        except Resolver404:
            name = None
        if name in PUBLIC_URL_NAMES:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or getattr(user, "is_api_client", False):
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
        if settings.MFA_REQUIRED and not user.is_verified() and name not in MFA_FREE_URL_NAMES:
            nxt = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:mfa_verify')}?{nxt}")
        return self.get_response(request)


class ApiCallLogMiddleware:
    """Every API call made by a client is logged: client, method, endpoint, status (refused calls
    with a revoked client's token too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        client = getattr(request, "api_client", None) or getattr(request, "api_client_refused", None)
        if client is not None:
            match = getattr(request, "resolver_match", None)
            ApiCallLog.objects.create(
                client=client,
                method=request.method,
                path=request.path[:500],
                endpoint=(match.view_name if match else "")[:200],
                status_code=response.status_code,
            )
        return response
