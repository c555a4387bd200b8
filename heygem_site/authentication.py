"""API authentication (kept apart from heygem_site.api: DRF imports it while loading views)."""

import hashlib

from django.conf import settings
from django.core.cache import caches
from rest_framework.authentication import TokenAuthentication


class CachedTokenAuthentication(TokenAuthentication):
    """DRF tokens, with each key's user remembered by the process for a few seconds.

    Pollers send the same token many times a second; looking it up every time
    was half the cost of a poll. A deleted or rotated token (or a deactivated
    user) is therefore refused after at most HEYGEM["API_TOKEN_CACHE_SECONDS"].
    """

    def authenticate_credentials(self, key):
        seconds = settings.HEYGEM["API_TOKEN_CACHE_SECONDS"]
        if not seconds:
            return super().authenticate_credentials(key)
        cache_key = "api-token:" + hashlib.sha256(key.encode()).hexdigest()
        found = caches["local"].get(cache_key)
        if found is None:
            found = super().authenticate_credentials(key)
            caches["local"].set(cache_key, found, seconds)
        return found
