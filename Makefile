# HeyGem Studio: one entry point for setup, the demo, tests and checks.
# Every target installs what it needs, so each works on a fresh machine.

VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
# Debian packages the product and its tests need (ffmpeg, espeak-ng, Chromium; nginx,
# Redis and openssl for the tests that run the shipped nginx config and a shared cache).
SYSTEM_TOOLS := ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng
TEST_TOOLS   := chromium:chromium curl:curl nginx:nginx redis-server:redis-server openssl:openssl

.PHONY: setup demo test lint check-migrations system-deps test-deps db clean

setup: system-deps $(STAMP) db

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/dev.txt
	touch $(STAMP)

system-deps:
	@deploy/install-system-deps.sh $(SYSTEM_TOOLS)

test-deps:
	@deploy/install-system-deps.sh $(SYSTEM_TOOLS) $(TEST_TOOLS)

# Django refuses to start with DEBUG off and no secret key of its own (production):
# on a development machine these targets run it in development mode unless told.
db check-migrations lint: export DEBUG ?= True

db: $(STAMP)
	$(PY) deploy/ensure_database.py
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

demo: setup
	deploy/demo.sh

# Two processes: most tests wait on ffmpeg, engines or child servers, not the CPU.
test: test-deps $(STAMP)
	$(PY) -m pytest -q -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

check-migrations: db
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var test-artifacts
