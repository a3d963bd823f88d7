from django.urls import path

from .views import caseload, fostering, preparation, record, review, voice

app_name = "reviews"
urlpatterns = [
    path("", caseload.CaseloadView.as_view(), name="caseload"),
    path("preparation/", preparation.PreparationView.as_view(), name="preparation"),
    # one review
    path("r/<public_id>/", review.ReviewView.as_view(), name="review"),
    path("r/<public_id>/record/", record.RecordView.as_view(), name="record"),
    path("r/<public_id>/record/save/", record.RecordSaveView.as_view(), name="record_save"),
    path("r/<public_id>/sessions/new/", review.SessionView.as_view(), name="session"),
    path("r/<public_id>/hold/", review.HoldView.as_view(), name="hold"),
    path("r/<public_id>/decisions/new/", review.DecisionCreateView.as_view(), name="decision_new"),
    path("r/<public_id>/decisions/<decision_id>/", review.DecisionUpdateView.as_view(), name="decision_update"),
    path("r/<public_id>/circulate/", review.CirculateView.as_view(), name="circulate"),
    path("r/<public_id>/sign/", review.SignView.as_view(), name="sign"),
    path("r/<public_id>/ratify/", review.RatifyView.as_view(), name="ratify"),
    path("r/<public_id>/documents/<document_id>/", review.DocumentDownloadView.as_view(), name="document"),
    path("r/<public_id>/contact/", preparation.ContactView.as_view(), name="contact"),
    path("r/<public_id>/plans/<kind>/", preparation.PaperView.as_view(), name="paper"),
    path("r/<public_id>/child-link/", voice.ChildLinkView.as_view(), name="child_link"),
    # the child's own pages, opened by their link without an account (public: the token is the key)
    path("voice/<str:token>/", voice.VoiceView.as_view(), name="voice"),
]
urlpatterns += fostering.urlpatterns  # foster carers' reviews (issue 10, section 3)

# the period of care, the IRO's allocation and booking the reviews (issue 10)
from .views import allocation, episodes, scheduling  # noqa: E402

urlpatterns += episodes.urlpatterns + allocation.urlpatterns + scheduling.urlpatterns
