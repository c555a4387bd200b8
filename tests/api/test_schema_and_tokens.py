"""The OpenAPI schema, Swagger UI and the api_token command."""

import re

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def api_routes() -> set[str]:
    """Every /api/ route of the URLconf, written the way OpenAPI writes paths."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)

    return {r for r in walk(get_resolver().url_patterns) if r.startswith("/api/")} - {
        "/api/schema/",
        "/api/docs/",
    }


def test_the_schema_renders_and_documents_every_api_route(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    documented = {re.sub(r"\{pk\}", "{id}", path) for path in schema["paths"]}
    routes = {re.sub(r"\{(pk|id)\}", "{id}", route) for route in api_routes()}
    assert documented == routes
    create = schema["paths"]["/api/v1/jobs/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert create["requestBody"]["content"]["application/json"]["examples"]


def test_swagger_ui_is_served_without_a_cdn(api, client, owner):
    client.force_login(owner)
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


def test_the_command_prints_a_token_that_authenticates(api_as, owner, capsys):
    call_command("api_token", "owner")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=owner).key == key
    call_command("api_token", "owner")
    assert capsys.readouterr().out.strip() == key  # the same token until rotated


def test_rotating_revokes_the_old_token(owner, capsys):
    call_command("api_token", "owner")
    old = capsys.readouterr().out.strip()
    call_command("api_token", "owner", "--rotate")
    new = capsys.readouterr().out.strip()
    assert new != old and not Token.objects.filter(key=old).exists()


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", "nobody")
