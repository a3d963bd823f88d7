from django.urls import path

from .views import DeliverySettingsView, NotificationListView

app_name = "notify"
urlpatterns = [
    path("", NotificationListView.as_view(), name="list"),
    path("settings/", DeliverySettingsView.as_view(), name="settings"),
]
