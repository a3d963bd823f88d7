from django.urls import path

from .views import caseload, review

app_name = "reviews"
urlpatterns = [
    path("", caseload.CaseloadView.as_view(), name="caseload"),
    path("r/<public_id>/", review.ReviewView.as_view(), name="review"),
    path("r/<public_id>/ratify/", review.RatifyView.as_view(), name="ratify"),
]
