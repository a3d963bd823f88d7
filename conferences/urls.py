from django.urls import path

from .views import (
    cin_review,
    dashboard,
    decision,
    detail,
    documents,
    figures,
    invitations,
    minutes,
    plans,
    record,
    reports,
    request,
    scheduling,
)

app_name = "conferences"
urlpatterns = [
    # the chair's dashboard and the conference service's list
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("service/", dashboard.ServiceListView.as_view(), name="service_list"),
    path("figures/", figures.PlanFiguresView.as_view(), name="figures"),  # the service's figures (ADR 29)
    path("figures/plans/", figures.PlanFigureListView.as_view(), name="figures_plans"),
    path("request/<child_id>/", request.RequestView.as_view(), name="request"),
    # plans (before <public_id>/ so "plans" is never read as a conference id)
    path("plans/<public_id>/", plans.PlanView.as_view(), name="plan"),
    path("plans/<public_id>/review/", request.ReviewRequestView.as_view(), name="review_request"),
    path("plans/<public_id>/core-groups/new/", plans.CoreGroupMeetingView.as_view(), name="core_group_new"),
    path("plans/<public_id>/core-group/members/new/", plans.CoreGroupMemberView.as_view(),
         name="core_group_member_new"),
    path("plans/<public_id>/actions/new/", plans.PlanActionCreateView.as_view(), name="plan_action_new"),
    path("plans/<public_id>/actions/<action_id>/", plans.PlanActionUpdateView.as_view(), name="plan_action_update"),
    path("plans/<public_id>/audits/new/", plans.MidwayAuditView.as_view(), name="midway_audit_new"),
    # the child in need review after a plan ended (before <public_id>/, as the plans)
    *cin_review.urlpatterns,
    # one conference
    path("<public_id>/", detail.ConferenceDetailView.as_view(), name="detail"),
    path("<public_id>/schedule/", scheduling.ScheduleView.as_view(), name="schedule"),
    path("<public_id>/reschedule/", scheduling.RescheduleView.as_view(), name="reschedule"),
    path("<public_id>/cancel/", scheduling.CancelView.as_view(), name="cancel"),
    path("<public_id>/invitations/", invitations.InvitationsView.as_view(), name="invitations"),
    path("<public_id>/invitations/<invitation_id>/withdraw/", invitations.InvitationWithdrawView.as_view(),
         name="invitation_withdraw"),
    path("<public_id>/attendance/", invitations.AttendanceView.as_view(), name="attendance"),
    path("<public_id>/reports/", reports.ReportsView.as_view(), name="reports"),
    path("<public_id>/reports/submit/", reports.ReportSubmitView.as_view(), name="report_submit"),
    path("<public_id>/reports/<report_id>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("<public_id>/reports/<report_id>/share/", reports.ReportShareView.as_view(), name="report_share"),
    path("<public_id>/record/", record.RecordView.as_view(), name="record"),
    path("<public_id>/record/save/", record.RecordSaveView.as_view(), name="record_save"),
    path("<public_id>/record/scaling/", record.ScalingView.as_view(), name="scaling"),
    path("<public_id>/hold/", decision.HoldView.as_view(), name="hold"),
    path("<public_id>/decision/", decision.DecisionView.as_view(), name="decision"),
    path("<public_id>/minutes/", minutes.MinutesEditView.as_view(), name="minutes"),
    path("<public_id>/minutes/preview/", minutes.MinutesPreviewView.as_view(), name="minutes_preview"),
    path("<public_id>/minutes/sign/", minutes.MinutesSignView.as_view(), name="minutes_sign"),
    path("<public_id>/minutes/revise/", minutes.MinutesReviseView.as_view(), name="minutes_revise"),
    path("<public_id>/decision-letter/publish/", documents.DecisionLetterPublishView.as_view(),
         name="decision_letter_publish"),
    path("<public_id>/documents/", documents.DocumentsView.as_view(), name="documents"),
    path("<public_id>/documents/<document_id>/download/", documents.DocumentDownloadView.as_view(),
         name="document_download"),
    path("<public_id>/distribute/", documents.DistributeView.as_view(), name="distribute"),
]
