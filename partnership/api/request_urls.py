"""``/api/v1/partnership/requests/``: the rapid review's requests to agencies (ADR 23)."""

from rest_framework.routers import SimpleRouter

from .requests import AgencyRequestViewSet

router = SimpleRouter()
router.register("partnership/requests", AgencyRequestViewSet, basename="partnership-requests")
urlpatterns = router.urls
