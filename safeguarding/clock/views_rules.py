"""The rules page (stub: written with the statutory clock issue)."""

urlpatterns = []
