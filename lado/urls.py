from django.urls import path

from .views import case, meetings, portal, referral, team

app_name = "lado"
urlpatterns = [
    # the LADO team
    path("", team.WorkbenchView.as_view(), name="workbench"),
    path("referrals/new/", referral.RecordReferralView.as_view(), name="referral_new"),
    path("referrals/<public_id>/", referral.ReferralView.as_view(), name="referral"),
    path("referrals/<public_id>/subject/", referral.SubjectView.as_view(), name="subject"),
    path("referrals/<public_id>/children/<child_id>/", referral.ChildMatchView.as_view(), name="child_match"),
    path("referrals/<public_id>/share/", referral.ShareView.as_view(), name="share"),
    path("cases/<public_id>/", case.CaseView.as_view(), name="case"),
    path("cases/<public_id>/evaluate/", case.EvaluateView.as_view(), name="evaluate"),
    path("cases/<public_id>/safety/", case.SafetyView.as_view(), name="safety"),
    path("cases/<public_id>/safety/<decision_id>/confirm/", case.ConfirmSuspensionView.as_view(),
         name="confirm_suspension"),
    path("cases/<public_id>/invite/", case.InviteView.as_view(), name="invite"),
    path("cases/<public_id>/invitations/<invitation_id>/end/", case.EndInvitationView.as_view(),
         name="end_invitation"),
    path("cases/<public_id>/outcome/", case.OutcomeView.as_view(), name="outcome"),
    path("cases/<public_id>/regulators/new/", case.RegulatorView.as_view(), name="regulator"),
    path("cases/<public_id>/meetings/new/", meetings.MeetingBookView.as_view(), name="meeting_new"),
    path("cases/<public_id>/meetings/<meeting_id>/", meetings.MeetingView.as_view(), name="meeting"),
    path("cases/<public_id>/meetings/<meeting_id>/move/", meetings.MeetingMoveView.as_view(), name="meeting_move"),
    path("cases/<public_id>/meetings/<meeting_id>/cancel/", meetings.MeetingCancelView.as_view(),
         name="meeting_cancel"),
    path("cases/<public_id>/meetings/<meeting_id>/held/", meetings.MeetingHoldView.as_view(), name="meeting_hold"),
    path("consultations/", team.ConsultationsView.as_view(), name="consultations"),
    path("consultations/new/", team.ConsultationCreateView.as_view(), name="consultation_new"),
    path("index/", team.IndexSearchView.as_view(), name="index"),
    path("index/<public_id>/", team.IndexEntryView.as_view(), name="index_entry"),
    path("access-log/", team.AccessLogView.as_view(), name="access_log"),
    path("portal-accounts/", team.ReferrersView.as_view(), name="referrers"),
    path("portal-accounts/<public_id>/suspend/", team.ReferrerActionView.as_view(suspend=True),
         name="referrer_suspend"),
    path("portal-accounts/<public_id>/reinstate/", team.ReferrerActionView.as_view(suspend=False),
         name="referrer_reinstate"),
    # the referral portal: a referrer's own referrals, and registering (public: see lado.views.portal)
    path("portal/", portal.PortalHomeView.as_view(), name="portal"),
    path("portal/referrals/new/", portal.PortalReferralCreateView.as_view(), name="portal_referral_new"),
    path("portal/referrals/<public_id>/", portal.PortalReferralView.as_view(), name="portal_referral"),
    path("portal/register/", portal.RegisterView.as_view(), name="register"),
    path("portal/register/check-your-email/", portal.RegisterSentView.as_view(), name="register_sent"),
    path("portal/verify/<str:token>/", portal.VerifyView.as_view(), name="verify"),
]
