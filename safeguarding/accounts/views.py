from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import mfa
from .forms import EmailLoginForm, TokenForm


def _with_next(url_name, nxt):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


def _next(request, default="home"):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    if nxt and safe:
        return nxt
    return default


class HubLoginView(LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if settings.MFA_REQUIRED:
            target = "accounts:mfa_verify" if mfa.has_confirmed_device(form.get_user()) else "accounts:mfa_enrol"
            return redirect(_with_next(target, self.get_success_url()))
        return response


def mfa_verify(request):
    if not mfa.has_confirmed_device(request.user):
        return redirect(_with_next("accounts:mfa_enrol", _next(request, "")))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", "The security code is not right, or has been used. Enter the latest code.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request, "")})


def mfa_enrol(request):
    if mfa.has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect(_with_next("accounts:mfa_verify", _next(request, "")))
    device = mfa.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_enrolment(user=request.user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", "The security code is not right. Check the time on your phone and try the newest code.")
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr_svg": mfa.qr_svg(device), "secret": _b32(device), "next": _next(request, ""),
    })


def _b32(device):
    import base64

    return base64.b32encode(device.bin_key).decode()


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@require_POST
def keepalive(request):
    """The session-timeout warning's 'Stay signed in' button: any request refreshes the idle timer.
    A session that has already ended answers 401, so the page goes to the signed-out page."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True  # pushes the end of the session back, however recently it was saved
    return HttpResponse(status=204)


def timed_out(request):
    """The session-timeout warning POSTs here when time runs out; the GET shows the page."""
    if request.method == "POST":
        if request.user.is_authenticated:
            logout(request)
        return redirect("accounts:timed_out")
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/timed_out.html")
