"""Production settings: DEBUG off by default, no start on an unsafe secret, check --deploy clean."""

import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT

GOOD_KEY = secrets.token_urlsafe(50)
DOCS = ROOT / "docs" / "operations.md"


def documented_production_env() -> dict:
    """The KEY=value lines of docs/operations.md's production block, a real key put in."""
    block = re.search(r"## Production settings.*?```ini\n(.*?)```", DOCS.read_text(), re.S)
    assert block, "docs/operations.md has no production settings block"
    env = dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    assert env["SECRET_KEY"].startswith("<"), "the docs must not hold a real key"
    return {**env, "SECRET_KEY": GOOD_KEY}


def manage(*args, **env):
    """manage.py in a fresh process with nothing of this session's DEBUG."""
    base = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


PRODUCTION = {"DEBUG": "False", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "heygem.example.com"}


@pytest.mark.parametrize("change, says", [
    ({"SECRET_KEY": ""}, "SECRET_KEY is not set and DEBUG is off"),
    ({"SECRET_KEY": "django-insecure-dev-only-key-change-me"}, "SECRET_KEY is the public "
                                                               "development key"),
    ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "SECRET_KEY is the public development key"),
    ({"SECRET_KEY": "k3y-" * 10}, "SECRET_KEY is too short or too plain (40 characters"),
    ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY is too short or too plain (80 characters, 2 different"),
    ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty and DEBUG is off"),
])  # fmt: skip
def test_with_debug_off_the_process_refuses_to_start_saying_why(change, says):
    done = manage("check", **{**PRODUCTION, **change})

    assert done.returncode != 0
    assert says in done.stderr


def test_debug_is_off_unless_it_is_set():
    """No DEBUG in the environment (nor a .env file): production rules, no start without a key."""
    code = (
        "import environ; environ.Env.read_env = lambda *a, **k: None; "
        "from heygem_site import settings"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=60)  # fmt: skip

    assert done.returncode != 0
    assert "SECRET_KEY is not set and DEBUG is off" in done.stderr


def test_a_good_key_and_hosts_start_with_debug_off():
    done = manage("check", **PRODUCTION)

    assert done.returncode == 0, done.stderr


def test_check_deploy_with_the_documented_production_settings_prints_no_warning():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **documented_production_env())

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_without_the_documented_tls_settings_check_deploy_does_warn():
    """The control: the clean run above is the settings' doing, not a silenced check."""
    env = {**documented_production_env(), "SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "0"}
    done = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert done.returncode != 0
    assert "security.W004" in done.stderr and "security.W008" in done.stderr
