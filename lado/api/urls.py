from rest_framework.routers import SimpleRouter

from .views import ReferralViewSet

router = SimpleRouter()
router.register("lado/referrals", ReferralViewSet, basename="lado-referrals")
urlpatterns = router.urls
