from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE).

    With ``TRUSTED_PROXY_COUNT`` proxies in front, each appending the address it saw to
    X-Forwarded-For, the client is the entry that many places from the right; anything further left
    was sent by the client and could be forged. With no trusted proxy, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote
