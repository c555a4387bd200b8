"""Response headers every private answer carries."""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on API answers and on pages for a signed-in user.

    A job page, a download or an API answer belongs to one person: no shared proxy
    may keep it, and no browser should leave it on disk for the next user of the
    machine. Static files never get here (whitenoise answers them first) and stay
    cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
