from django.urls import path

from .views import rapid_review

app_name = "partnership"
urlpatterns = [
    path("", rapid_review.DashboardView.as_view(), name="dashboard"),
    path("rapid-reviews/<public_id>/", rapid_review.RapidReviewView.as_view(), name="rapid_review"),
]
