from django.urls import path

from .views import NotificationListView

app_name = "notify"
urlpatterns = [path("", NotificationListView.as_view(), name="list")]
