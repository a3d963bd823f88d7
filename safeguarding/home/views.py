"""The home page (ADR 26): the parts of every role the person holds, each built by the app that owns the work
(``safeguarding.home.parts``). It reads nothing itself: the parts ask their apps' selectors and policies."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .parts import parts_for


@require_GET
def home(request):
    ctx = request.access
    parts = parts_for(ctx, timezone.localdate()) if ctx.is_authenticated and not ctx.is_api_client else []
    return render(request, "home/home.html", {"parts": parts, "is_staff_member": bool(ctx.memberships)})
