from django.urls import path

from .views import advocacy as advocacy_pages  # preparing a review (ADR 15)
from .views import caseload, decisions, fostering, preparation, record, review, voice
from .views import figures as figure_pages
from .views import introduction as introduction_pages
from .views import invitations as invitation_pages
from .views import timeliness as timeliness_pages

app_name = "reviews"
urlpatterns = [
    path("", caseload.CaseloadView.as_view(), name="caseload"),
    path("preparation/", preparation.PreparationView.as_view(), name="preparation"),
    path("timeliness/", timeliness_pages.TimelinessView.as_view(), name="timeliness"),
    path("figures/", figure_pages.ReviewFiguresView.as_view(), name="figures"),  # ADR 29
    path("figures/reviews/", figure_pages.ReviewFigureListView.as_view(), name="figures_reviews"),
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
    # preparing a review (ADR 15): time and place, invitations, a parent's or carer's link, advocacy
    path("r/<public_id>/meeting/", invitation_pages.MeetingView.as_view(), name="meeting"),
    path("r/<public_id>/invitations/new/", invitation_pages.InviteView.as_view(), name="invite"),
    path("r/<public_id>/invitations/send/", invitation_pages.SendView.as_view(), name="invitations_send"),
    path("r/<public_id>/invitations/<invitation_id>/withdraw/", invitation_pages.WithdrawView.as_view(),
         name="invitation_withdraw"),
    path("r/<public_id>/invitations/<invitation_id>/link/", invitation_pages.ConsultationLinkView.as_view(),
         name="consultation_link"),
    path("r/<public_id>/advocacy/", advocacy_pages.AdvocacyToldView.as_view(), name="advocacy"),
    path("r/<public_id>/advocacy/referral/", advocacy_pages.AdvocacyReferralView.as_view(), name="advocacy_referral"),
    path("r/<public_id>/advocacy/outcome/", advocacy_pages.AdvocacyOutcomeView.as_view(), name="advocacy_outcome"),
    # the IRO's introduction to the child (a period of care), and the IRO's own photo and contact details
    path("e/<public_id>/introduction/", introduction_pages.IntroductionView.as_view(), name="introduction"),
    path("e/<public_id>/introduction/letter/", introduction_pages.IntroductionMakeView.as_view(),
         name="introduction_make"),
    path("e/<public_id>/introduction/letter/<letter_id>/", introduction_pages.IntroductionDownloadView.as_view(),
         name="introduction_letter"),
    path("e/<public_id>/introduction/meeting/", introduction_pages.ChildMeetingView.as_view(), name="child_meeting"),
    path("profile/", introduction_pages.IroProfileView.as_view(), name="iro_profile"),
    # the child's own pages, opened by their link without an account (public: the token is the key); a parent's
    # or carer's link opens theirs through the same door
    path("decisions/<public_id>/done/", decisions.DecisionCompleteView.as_view(), name="decision_complete"),
    # the child's own pages, opened by their link without an account (public: the token is the key)
    path("voice/<str:token>/", voice.VoiceView.as_view(), name="voice"),
]
urlpatterns += fostering.urlpatterns  # foster carers' reviews (issue 10, section 3)

from .views.between import urlpatterns as between_reviews  # noqa: E402 (ADR 14)

urlpatterns += between_reviews
# the period of care, the IRO's allocation and booking the reviews (issue 10)
from .views import allocation, episodes, scheduling  # noqa: E402

urlpatterns += episodes.urlpatterns + allocation.urlpatterns + scheduling.urlpatterns
