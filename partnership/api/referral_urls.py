"""``/api/v1/partnership/referrals/``: referring a case for review (issue 12, section 1)."""

from rest_framework.routers import SimpleRouter

from .referrals import ReferralViewSet

router = SimpleRouter()
router.register("partnership/referrals", ReferralViewSet, basename="partnership-referrals")
urlpatterns = router.urls
