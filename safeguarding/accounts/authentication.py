from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiClient
from .services import api_client_matching_token

LAST_USED_RESOLUTION = timedelta(minutes=1)


def _note_use(client: ApiClient) -> None:
    """``last_used_at`` is written at most once a minute per client: concurrent calls of one client would
    otherwise queue on its row. The conditional UPDATE keeps two workers from both writing it."""
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if client.last_used_at is not None and client.last_used_at > stale:
        return
    ApiClient.objects.filter(pk=client.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
        last_used_at=now)


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer sgh_<prefix>_<secret>``; the request acts as the client's machine user."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        # The scheme name is case-insensitive (RFC 9110, 11.1); a blank header is simply no credentials.
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be 'Bearer <token>'.")
        client = api_client_matching_token(parts[1])
        if client is None or not client.is_active or not client.user.is_active:
            if client is not None:
                # A revoked client was identified: ApiCallLogMiddleware logs the refused call against it.
                request._request.api_client_refused = client
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked.")
        _note_use(client)
        # The Django request carries the client so that every call is logged by ApiCallLogMiddleware.
        request._request.api_client = client
        return client.user, client

    def authenticate_header(self, request):
        return self.keyword


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiClientTokenAuthentication
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An agency API client token"}
