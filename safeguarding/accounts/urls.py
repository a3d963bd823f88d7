from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.HubLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.mfa_verify, name="mfa_verify"),
    path("two-factor/set-up/", views.mfa_enrol, name="mfa_enrol"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("signed-out/", views.timed_out, name="timed_out"),
]
