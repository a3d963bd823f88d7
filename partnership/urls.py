from django.urls import path

from .views import actions, escalations, rapid_review, submissions

app_name = "partnership"
urlpatterns = [
    path("", rapid_review.DashboardView.as_view(), name="dashboard"),
    path("seats/", actions.SeatsView.as_view(), name="seats"),
    path("refer/", actions.ReferView.as_view(), name="refer"),
    path("referrals/<public_id>/triage/", actions.TriageView.as_view(), name="triage"),
    path("rapid-reviews/<public_id>/", rapid_review.RapidReviewView.as_view(), name="rapid_review"),
    path("rapid-reviews/<public_id>/decision/", actions.DecisionView.as_view(), name="decide"),
    path("rapid-reviews/<public_id>/notifications/new/", actions.NotificationView.as_view(), name="notify"),
    path("rapid-reviews/<public_id>/requests/new/", actions.RequestAgenciesView.as_view(), name="request_agencies"),
    path("rapid-reviews/<public_id>/steps/<step>/", actions.StepView.as_view(), name="step"),
    path("requests/", submissions.RequestsView.as_view(), name="requests"),
    path("requests/<public_id>/", submissions.EntryView.as_view(), name="request"),
    path("requests/<public_id>/return/", submissions.ReturnView.as_view(), name="request_return"),
]

# the meeting, the report, the National Panel's response, and files with a submission (ADR 23)
from .views import files, report  # noqa: E402

urlpatterns += [
    path("rapid-reviews/<public_id>/meeting/", report.MeetingView.as_view(), name="meeting"),
    path("rapid-reviews/<public_id>/report/", report.ReportView.as_view(), name="report"),
    path("rapid-reviews/<public_id>/report/send/<to>/", report.SendView.as_view(), name="report_send"),
    path("rapid-reviews/<public_id>/report/<issue_id>/", report.ReportDownloadView.as_view(), name="report_issue"),
    path("rapid-reviews/<public_id>/panel-response/", report.PanelResponseView.as_view(), name="panel_response"),
    path("requests/<public_id>/files/new/", files.FileUploadView.as_view(), name="request_file_new"),
    path("requests/<public_id>/files/<upload_id>/", files.FileDownloadView.as_view(), name="request_file"),
]

# practice reviews and their action plans (ADR 24)
from .views import reviews, tracker  # noqa: E402

urlpatterns += [
    path("reviews/", reviews.ReviewsView.as_view(), name="reviews"),
    path("reviews/<public_id>/", reviews.ReviewView.as_view(), name="review"),
    path("referrals/<public_id>/review/", reviews.StartView.as_view(), name="review_start"),
    path("reviews/<public_id>/record/", reviews.RecordView.as_view(), name="review_record"),
    path("reviews/<public_id>/drafts/new/", reviews.DraftView.as_view(), name="review_draft"),
    path("reviews/<public_id>/panel-copy/", reviews.PanelCopyView.as_view(), name="review_panel_copy"),
    path("reviews/<public_id>/publish/", reviews.PublishView.as_view(), name="review_publish"),
    path("reviews/<public_id>/recommendations/new/", reviews.RecommendationView.as_view(),
         name="review_recommendation"),
    path("reviews/<public_id>/actions/new/", reviews.ActionAddView.as_view(), name="review_action_add"),
    path("library/", reviews.LibraryView.as_view(), name="library"),
    path("themes/", reviews.ThemesView.as_view(), name="themes"),
    path("actions/", tracker.TrackerView.as_view(), name="tracker"),
    path("actions/mine/", tracker.MyActionsView.as_view(), name="my_actions"),
    path("actions/<public_id>/", tracker.ActionView.as_view(), name="action"),
    path("actions/<public_id>/evidence/", tracker.EvidenceView.as_view(), name="action_evidence"),
    path("actions/<public_id>/files/<upload_id>/", tracker.EvidenceFileView.as_view(), name="action_file"),
]

# the partnership's figures (ADR 29)
from .views import figures  # noqa: E402

urlpatterns += [
    path("figures/", figures.PartnershipFiguresView.as_view(), name="figures"),
    path("figures/rapid-reviews/", figures.PartnershipFigureListView.as_view(), name="figures_reviews"),
]

# the escalation register (issue 12, section 4; ADR 25)
urlpatterns += [
    path("escalations/", escalations.MyEscalationsView.as_view(), name="escalations"),
    path("escalations/register/", escalations.RegisterView.as_view(), name="escalation_register"),
    path("escalations/new/", escalations.RaiseView.as_view(), name="escalation_raise"),
    path("escalations/<public_id>/", escalations.EscalationView.as_view(), name="escalation"),
    path("escalations/<public_id>/respond/", escalations.RespondView.as_view(), name="escalation_respond"),
    path("escalations/<public_id>/next-stage/", escalations.MoveOnView.as_view(), name="escalation_move_on"),
    path("escalations/<public_id>/meeting/request/", escalations.MeetingRequestView.as_view(),
         name="escalation_meeting_request"),
    path("escalations/<public_id>/meeting/", escalations.MeetingHeldView.as_view(), name="escalation_meeting_held"),
    path("escalations/<public_id>/close/", escalations.CloseView.as_view(), name="escalation_close"),
]
