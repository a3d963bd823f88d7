from django.http import Http404
from django.urls import path


def _pages_come_next(request, **kwargs):  # step 1 of issue 11: the pages are the next commit
    raise Http404("No such page")


app_name = "lado"
urlpatterns = [
    path("portal/verify/<str:token>/", _pages_come_next, name="verify"),
    path("portal/referrals/<public_id>/", _pages_come_next, name="portal_referral"),
    path("referrals/<public_id>/", _pages_come_next, name="referral"),
    path("cases/<public_id>/", _pages_come_next, name="case"),
]
