from rest_framework.routers import SimpleRouter

from .views import ChildViewSet

router = SimpleRouter()
router.register("children", ChildViewSet, basename="children")
urlpatterns = router.urls
