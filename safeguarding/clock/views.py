"""Deadline pages (stub: written with the statutory clock issue)."""

urlpatterns = []
