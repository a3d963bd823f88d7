"""The project's URLs plus the reviews pages, for the page tests until ``safeguarding/urls.py`` includes
``reviews.urls`` (one line: ``path("reviews/", include("reviews.urls"))``)."""

from django.urls import include, path

from safeguarding.urls import *  # noqa: F403 - the error handlers too
from safeguarding.urls import urlpatterns as project

urlpatterns = [*project]
if not any(getattr(p, "namespace", None) == "reviews" for p in project):
    urlpatterns.append(path("reviews/", include("reviews.urls")))
