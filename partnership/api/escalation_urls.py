from rest_framework.routers import SimpleRouter

from .escalations import EscalationViewSet

router = SimpleRouter()
router.register("partnership/escalations", EscalationViewSet, basename="partnership-escalations")
urlpatterns = router.urls
