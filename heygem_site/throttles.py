"""Throttles that say what is left: ``RateLimit-*`` headers on every throttled answer.

Kept apart from heygem_site.api: DRF imports the default throttle classes while
``rest_framework.views`` is still being made, so this module imports no view code.
"""

import math

from rest_framework.throttling import UserRateThrottle


class HeaderedThrottleMixin:
    """Remembers what the rate leaves, for ``RateLimit-*`` headers on the answer.

    Several throttles may apply (the user's rate and the tighter submit rate):
    the headers tell the one with the fewest requests left.
    """

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)  # type: ignore[misc]
        if getattr(self, "rate", None) is None or not hasattr(self, "history"):
            return allowed
        # On success the history already holds this request; its last entry is the oldest.
        remaining = max(0, self.num_requests - len(self.history)) if allowed else 0
        reset = self.history[-1] + self.duration - self.now if self.history else self.duration
        figures = (self.num_requests, remaining, max(0, math.ceil(reset)))
        django_request = getattr(request, "_request", request)
        current = getattr(django_request, "rate_limit", None)
        if current is None or figures[1] < current[1]:
            django_request.rate_limit = figures
        return allowed


class UserThrottle(HeaderedThrottleMixin, UserRateThrottle):
    pass


class SubmitRateThrottle(HeaderedThrottleMixin, UserRateThrottle):
    """A tighter per-user rate for requests that create work (POST only)."""

    scope = "submit"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class RateLimitHeadersMiddleware:
    """``RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (seconds) on throttled answers.

    The names of the IETF draft (draft-ietf-httpapi-ratelimit-headers) that
    GitHub-style clients read; a 429 also carries ``Retry-After``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        figures = getattr(request, "rate_limit", None)
        if figures is not None:
            limit, remaining, reset = figures
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response
