from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from safeguarding.accounts.models import Role
from safeguarding.figures.pages import pages_for as figures_pages_for


@dataclass
class NavItem:
    label: str
    url: str
    active: bool


def hub(request):
    ctx = {
        "demo_mode": settings.DEMO_MODE,
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
        "session_warning_seconds": settings.SESSION_WARNING_MINUTES * 60,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_api_client", False):
        return ctx
    access = getattr(request, "access", None)
    ctx["access_ctx"] = access
    ctx["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
    path = request.path
    items = [("Home", reverse("home")), ("Find a child", reverse("cases:search"))]
    if access is not None and access.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        items.append(("Add a child", reverse("cases:child_create")))
    items.append(("My deadlines", reverse("clock:my_deadlines")))  # every person: /deadlines/ and its pages
    items.append(("Timescales", reverse("clock:rules")))  # the statutory clock's rules, in plain words (ADR 26)
    if access is not None and access.has_role(Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR, Role.SOCIAL_WORKER,
                                              Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.PARTNER_PRACTITIONER):
        # partners find the conferences their agency is invited to (and submit reports) from here
        items.append(("Conferences", reverse("conferences:dashboard")))
    if access is not None and access.has_role(Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR):
        items.append(("Child in need reviews", reverse("conferences:cin_reviews")))
    if access is not None and access.has_role(Role.IRO):
        items.append(("Looked-after children", reverse("reviews:caseload")))
        items.append(("Foster carers' reviews", reverse("reviews:households")))
    if access is not None and access.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        items.append(("Reviews to prepare", reverse("reviews:preparation")))
    if access is not None and figures_pages_for(access):
        items.append(("Figures", reverse("figures:index")))  # the figures pages this person may open (ADR 29)
    if access is not None and access.has_role(Role.PARTNERSHIP_BUSINESS_UNIT):
        items.append(("Safeguarding partnership", reverse("partnership:dashboard")))  # partnership (ADR 20)
    if access is not None and access.has_role(Role.ADMINISTRATOR):
        items.append(("Files in quarantine", reverse("uploads:quarantine")))  # safeguarding.uploads
    if access is not None and access.has_role(Role.LADO_OFFICER):
        items.append(("LADO", reverse("lado:workbench")))
    if access is not None and access.has_role(Role.PARTNER_PRACTITIONER):
        items.append(("Refer to the LADO", reverse("lado:portal")))
        items.append(("Case reviews", reverse("partnership:requests")))  # refer a case; a lead's requests (ADR 20)
    if access is not None and access.agency_ids_with_role(Role.SERVICE_MANAGER) & access.local_authority_ids:
        items.append(("Statutory returns", reverse("returns:index")))  # returns (ADR 27): returns_policy
    if access is not None and access.memberships:
        items.append(("Escalations", reverse("partnership:escalations")))  # professional differences (ADR 25)
    if access is not None and not access.memberships:
        # a referral portal account (no agency): its own referrals to the LADO, nothing else of the hub
        items = [("Home", reverse("home")), ("Your referrals to the LADO", reverse("lado:portal"))]
    # the active item is the one whose address is the longest start of this page's (/reviews/preparation/
    # is "Reviews to prepare", not also "Looked-after children" at /reviews/)
    matches = [url for _label, url in items if (path == url if url == "/" else path.startswith(url))]
    active = max(matches, key=len, default=None)
    ctx["hub_nav"] = [NavItem(label, url, url == active) for label, url in items]
    return ctx
