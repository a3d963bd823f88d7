from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("new/", views.ChildCreateView.as_view(), name="child_create"),
    path("<public_id>/", views.ChildDetailView.as_view(), name="child_detail"),
    path("<public_id>/edit/", views.ChildEditView.as_view(), name="child_edit"),
    path("<public_id>/allocation/", views.AllocationView.as_view(), name="allocation"),
    path("<public_id>/involvements/new/", views.InvolvementCreateView.as_view(), name="involvement_create"),
    path("<public_id>/people/new/", views.RelationshipCreateView.as_view(), name="relationship_create"),
    path("<public_id>/chronology/new/", views.ChronologyCreateView.as_view(), name="chronology_create"),
    path("<public_id>/break-glass/", views.BreakGlassView.as_view(), name="break_glass"),
    path("<public_id>/access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("<public_id>/duplicates/", views.DuplicateCheckView.as_view(), name="duplicates"),
    path("<public_id>/duplicates/<other_id>/link/", views.DuplicateLinkView.as_view(), name="duplicate_link"),
    path("<public_id>/involvements/<record_id>/end/", views.InvolvementEndView.as_view(), name="involvement_end"),
    path("<public_id>/relationships/<record_id>/end/", views.RelationshipEndView.as_view(), name="relationship_end"),
    # kind: chronology, involvements, relationships, addresses or aliases (views.RECORD_KINDS); any other is a 404
    path("<public_id>/<kind>/<record_id>/entered-in-error/", views.RecordEnteredInErrorView.as_view(),
         name="record_entered_in_error"),
    path("<public_id>/access-grants/new/", views.AccessGrantView.as_view(), name="access_grant"),
    path("<public_id>/access-grants/<user_id>/revoke/", views.AccessRevokeView.as_view(), name="access_revoke"),
    path("<public_id>/request-access/", views.AccessRequestView.as_view(), name="access_request"),
]
