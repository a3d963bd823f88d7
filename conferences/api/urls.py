from rest_framework.routers import SimpleRouter

from .views import ConferenceViewSet

router = SimpleRouter()
router.register("conferences", ConferenceViewSet, basename="conferences")
urlpatterns = router.urls
