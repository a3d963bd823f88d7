from django.urls import path

from .views import caseload

app_name = "reviews"
urlpatterns = [
    path("", caseload.CaseloadView.as_view(), name="caseload"),
]
