from . import views, views_rules

app_name = "clock"
# The rules page and the deadline pages each declare their own patterns.
urlpatterns = views_rules.urlpatterns + views.urlpatterns
