from rest_framework.routers import SimpleRouter

from .actions import ReviewActionViewSet

router = SimpleRouter()
router.register("partnership/actions", ReviewActionViewSet, basename="partnership-actions")
urlpatterns = router.urls
