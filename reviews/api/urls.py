from rest_framework.routers import SimpleRouter

from .views import ReviewDecisionViewSet, ReviewViewSet

router = SimpleRouter()
router.register("reviews", ReviewViewSet, basename="reviews")
router.register("review-decisions", ReviewDecisionViewSet, basename="review-decisions")
urlpatterns = router.urls
