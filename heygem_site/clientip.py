"""The client's address, as far as the trusted proxies in front of us can vouch for it."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind HEYGEM_TRUSTED_PROXIES proxies the address the first one saw.

    Each proxy appends the address it was called from to X-Forwarded-For, so the
    last N entries are the proxies' word; anything before them came from the client
    and may be forged. This is DRF's NUM_PROXIES rule, used by its throttles too.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    return forwarded[-min(proxies, len(forwarded))] if forwarded else remote
