"""What a generated client relies on: one error shape, JSON everywhere, headers, partial updates."""

import pytest
import yaml

from tests.api.conftest import error
from tests.factories import make_voice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/jobs/not-a-uuid/", "/api/v1/nothing-here/", "/api/v1/voices/abc/"]
)
def test_a_url_that_matches_no_view_answers_the_json_envelope(api, path):
    response = api.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }


def test_a_seed_path_that_matches_nothing_answers_the_seeds_shape(api):
    body = api.get("/api/nothing-here").json()
    assert body["success"] is False and body["message"] == "Not found."


def test_an_unauthenticated_call_answers_the_envelope_with_a_machine_code(client):
    response = client.get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_create_answers_location_of_the_new_job(api):
    response = api.post("/api/v1/jobs/", {"text": "Hello."}, format="json")
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver/api/v1/jobs/{response.json()['id']}/"


def test_patch_with_nothing_is_a_partial_update_that_changes_nothing(api, owner):
    voice = make_voice(owner, "Calm")
    response = api.patch(f"/api/v1/voices/{voice.pk}/", {}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Calm"


def test_throttled_answers_say_what_is_left_and_when_it_resets(api, throttle_rates):
    throttle_rates["user"] = "3/min"
    first = api.get("/api/v1/jobs/")
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("3", "2")
    assert 0 < int(first["RateLimit-Reset"]) <= 60
    api.get("/api/v1/jobs/")
    api.get("/api/v1/jobs/")
    refused = api.get("/api/v1/jobs/")
    assert refused.status_code == 429 and refused["RateLimit-Remaining"] == "0"
    assert refused["Retry-After"] and error(refused).startswith("Request was throttled")


def test_the_schema_has_stable_operation_ids_summaries_and_documented_errors(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert all(op.get("summary") for op in operations)
    ids = {op["operationId"] for op in operations}
    assert {"jobs_create", "jobs_retrieve", "jobs_cancel", "webhooks_rotate_secret",
            "webhook_deliveries_replay", "seed_generate"} <= ids  # fmt: skip
    cancel = schema["paths"]["/api/v1/jobs/{id}/cancel/"]["post"]["responses"]
    assert {"200", "401", "404", "409"} <= set(cancel)
    listing = schema["paths"]["/api/v1/jobs/"]["get"]["responses"]["200"]
    ref = listing["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {
        "count", "next", "previous", "results",
    }  # fmt: skip
    detail = schema["components"]["schemas"]["JobDetailOutput"]["properties"]
    assert detail["finished_at"].get("nullable") and "$ref" in str(detail["status"])
