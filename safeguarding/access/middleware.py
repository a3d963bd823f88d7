from django.utils.functional import SimpleLazyObject

from .context import AccessContext


class AccessContextMiddleware:
    """``request.access``: built at most once per request, on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: AccessContext.for_user(request.user))
        return self.get_response(request)
