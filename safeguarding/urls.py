from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health
from .home import views as home_views

handler400 = "safeguarding.views.bad_request"
handler403 = "safeguarding.views.permission_denied"
handler404 = "safeguarding.views.page_not_found"
handler500 = "safeguarding.views.server_error"

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    # Swagger UI (served from drf-spectacular-sidecar, no CDN) uses inline styles; scripts stay 'self'.
    path("docs/", csp_update({"style-src": ["'unsafe-inline'"]})(
        SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("", include("cases.api.urls")),
    path("", include("conferences.api.urls")),
    path("", include("reviews.api.invitation_urls")),  # /api/v1/review-invitations/ (ADR 15)
    path("", include("reviews.api.urls")),
    path("", include("lado.api.urls")),  # /api/v1/lado/referrals/ (issue 11; ADR 19)
    path("", include("partnership.api.request_urls")),  # /api/v1/partnership/requests/ (issue 12; ADR 23)
    path("", include("partnership.api.action_urls")),  # /api/v1/partnership/actions/ (issue 12; ADR 24)
    path("", include("partnership.api.escalation_urls")),  # /api/v1/partnership/escalations/ (ADR 25)
    path("", include("partnership.api.referral_urls")),  # /api/v1/partnership/referrals/ (issue 12; ADR 20)
]

urlpatterns = [
    path("", home_views.home, name="home"),  # each role's parts (safeguarding.home, ADR 26)
    path("healthz", health.healthz, name="healthz"),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("accounts/", include("safeguarding.accounts.urls")),
    path("notifications/", include("safeguarding.notify.urls")),
    path("", include("safeguarding.clock.urls")),
    path("", include("safeguarding.figures.urls")),
    path("children/", include("cases.urls")),
    path("conferences/", include("conferences.urls")),
    path("reviews/", include("reviews.urls")),
    path("partnership/", include("partnership.urls")),
    path("uploads/", include("safeguarding.uploads.urls")),
    path("lado/", include("lado.urls")),
    path("returns/", include("returns.views")),  # statutory returns (ADR 27)
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
]
