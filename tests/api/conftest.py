import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture(autouse=True)
def throttle_rates(monkeypatch):
    """Generous rates unless a test sets its own (counts start at zero: tests/conftest.py)."""
    rates = {"user": "10000/min", "submit": "10000/min"}
    # DRF binds the rates when throttling is imported, so they are patched there.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


@pytest.fixture
def api_as():
    """Factory: an API client sending ``user``'s token, as an integrator would."""

    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def api(api_as, owner):
    return api_as(owner)


def error(response, attr=None) -> str:
    """The message of the v1 error envelope's first error about ``attr`` (None: the request)."""
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    messages = [e["detail"] for e in body["errors"] if e["attr"] == attr]
    assert messages, f"no error about {attr!r} in {body}"
    return messages[0]


def error_fields(response) -> list[str]:
    """The fields the v1 error envelope names, in order, each once."""
    body = response.json()
    assert body["type"] == "validation_error", body
    return list(dict.fromkeys(e["attr"] for e in body["errors"]))
