"""The OpenAPI schema is what the server answers: schemathesis against a live server.

Bounded in examples per operation and in time. The checks are the schema's own
promises: no server error, documented status codes, content types and headers,
bodies that validate. (Checks that guess whether random data "should" be
accepted are left out: an id that exists cannot be guessed.)
"""

import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from jobs.models import Job
from tests.factories import make_job, make_slot, make_voice

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance",
])  # fmt: skip


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, operator, settings, tmp_path
):
    settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": False}
    make_slot("gpu0-video", gpu="gpu0")
    make_voice(operator)
    make_job(operator, status=Job.Status.SUCCEEDED, with_files=True)
    token = Token.objects.create(user=operator).key
    schemathesis = Path(sys.executable).with_name("schemathesis")

    run = subprocess.run(
        [str(schemathesis), "run", f"{live_server.url}/api/schema/",
         "-H", f"Authorization: Token {token}", "--checks", CHECKS,
         "--max-examples", "8", "--max-time", "60", "--workers", "1", "--seed", "1",
         "--generation-database", "none", "--no-color", "--request-timeout", "30"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
    )  # fmt: skip

    summary = run.stdout[-4000:]
    assert run.returncode == 0, summary
    assert "generated" in summary and "passed" in summary
