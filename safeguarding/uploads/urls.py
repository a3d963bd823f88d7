from . import views

app_name = "uploads"
urlpatterns = views.urlpatterns
