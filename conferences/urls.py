from django.urls import path

from . import views_record as record
from . import views_scheduling as sched

app_name = "conferences"
urlpatterns = [
    # the chair's dashboard and the conference service's list
    path("", sched.DashboardView.as_view(), name="dashboard"),
    path("service/", sched.ServiceListView.as_view(), name="service_list"),
    path("request/<child_id>/", sched.RequestView.as_view(), name="request"),
    # plans (before <public_id>/ so "plans" is never read as a conference id)
    path("plans/<public_id>/", record.PlanView.as_view(), name="plan"),
    path("plans/<public_id>/review/", sched.ReviewRequestView.as_view(), name="review_request"),
    path("plans/<public_id>/core-groups/new/", record.CoreGroupMeetingView.as_view(), name="core_group_new"),
    path("plans/<public_id>/core-group/members/new/", record.CoreGroupMemberView.as_view(),
         name="core_group_member_new"),
    path("plans/<public_id>/actions/new/", record.PlanActionCreateView.as_view(), name="plan_action_new"),
    path("plans/<public_id>/actions/<action_id>/", record.PlanActionUpdateView.as_view(), name="plan_action_update"),
    path("plans/<public_id>/audits/new/", record.MidwayAuditView.as_view(), name="midway_audit_new"),
    # one conference
    path("<public_id>/", sched.ConferenceDetailView.as_view(), name="detail"),
    path("<public_id>/schedule/", sched.ScheduleView.as_view(), name="schedule"),
    path("<public_id>/reschedule/", sched.RescheduleView.as_view(), name="reschedule"),
    path("<public_id>/cancel/", sched.CancelView.as_view(), name="cancel"),
    path("<public_id>/invitations/", sched.InvitationsView.as_view(), name="invitations"),
    path("<public_id>/invitations/<invitation_id>/withdraw/", sched.InvitationWithdrawView.as_view(),
         name="invitation_withdraw"),
    path("<public_id>/attendance/", sched.AttendanceView.as_view(), name="attendance"),
    path("<public_id>/reports/", sched.ReportsView.as_view(), name="reports"),
    path("<public_id>/reports/submit/", sched.ReportSubmitView.as_view(), name="report_submit"),
    path("<public_id>/reports/<report_id>/", sched.ReportDetailView.as_view(), name="report_detail"),
    path("<public_id>/reports/<report_id>/share/", sched.ReportShareView.as_view(), name="report_share"),
    path("<public_id>/record/", record.RecordView.as_view(), name="record"),
    path("<public_id>/record/save/", record.RecordSaveView.as_view(), name="record_save"),
    path("<public_id>/record/scaling/", record.ScalingView.as_view(), name="scaling"),
    path("<public_id>/hold/", record.HoldView.as_view(), name="hold"),
    path("<public_id>/decision/", record.DecisionView.as_view(), name="decision"),
    path("<public_id>/minutes/", record.MinutesEditView.as_view(), name="minutes"),
    path("<public_id>/minutes/preview/", record.MinutesPreviewView.as_view(), name="minutes_preview"),
    path("<public_id>/minutes/sign/", record.MinutesSignView.as_view(), name="minutes_sign"),
    path("<public_id>/minutes/revise/", record.MinutesReviseView.as_view(), name="minutes_revise"),
    path("<public_id>/decision-letter/publish/", record.DecisionLetterPublishView.as_view(),
         name="decision_letter_publish"),
    path("<public_id>/documents/", record.DocumentsView.as_view(), name="documents"),
    path("<public_id>/documents/<document_id>/download/", record.DocumentDownloadView.as_view(),
         name="document_download"),
    path("<public_id>/distribute/", record.DistributeView.as_view(), name="distribute"),
]
