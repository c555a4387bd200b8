"""Project-wide pieces of the server-rendered pages: the submission limit on forms."""

from math import ceil

from django.shortcuts import render

from jobs.services.limits import CapExceeded, SubmitRefused

from .throttles import SubmitRateThrottle


def too_many_submissions(request, form) -> float | None:
    """Count a valid form that creates work; over the limit, say so on the form.

    It is the API's per-user submission count (HEYGEM_API_RATE_SUBMIT), so neither
    the pages nor the API is a way around the other's limit. Returns the seconds to
    wait when refused, else None.
    """
    throttle = SubmitRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = max(throttle.wait() or 0, 1.0)
    form.add_error(
        None, f"You have sent many submissions in a short time: try again in {ceil(wait)} s."
    )
    return wait


def form_response(
    request, template: str, context: dict, wait: float | None, refused: SubmitRefused | None = None
):
    """A form page: 429 with Retry-After over the submission limit, 400 on errors.

    ``refused``: the services refused the submit (an owner's cap: 429, a nearly full
    disk: 507); its message is already on the form.
    """
    status = 429 if wait is not None else 400 if context["form"].errors else 200
    if refused is not None:
        status = 429 if isinstance(refused, CapExceeded) else 507
        wait = refused.retry_after
    response = render(request, template, context, status=status)
    if wait is not None:
        response["Retry-After"] = str(ceil(wait))
    return response
