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
