"""The review invitations API's routes (ADR 15), under their own prefix: ``/api/v1/review-invitations/``."""

from rest_framework.routers import SimpleRouter

from .invitations import ReviewInvitationViewSet

router = SimpleRouter()
router.register("review-invitations", ReviewInvitationViewSet, basename="review-invitations")
urlpatterns = router.urls
