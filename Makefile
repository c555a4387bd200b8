# HeyGem Studio: one entry point for setup, the demo, tests and checks.
# Every target installs what it needs, so each works on a fresh machine.

VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
# Debian packages the product and its tests need (ffmpeg, espeak-ng; Chromium, nginx for tests).
SYSTEM_TOOLS := ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng
TEST_TOOLS   := chromium:chromium curl:curl nginx:nginx

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

db: $(STAMP)
	$(PY) deploy/ensure_database.py
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

demo: setup
	deploy/demo.sh

test: test-deps $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

check-migrations: db
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var test-artifacts
