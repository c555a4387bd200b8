import pytest


@pytest.fixture
def browser_as(client):
    """Factory: Django's test client logged in as ``user``, as a person with a browser."""

    def login(user):
        client.force_login(user)
        return client

    return login
