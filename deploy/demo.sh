#!/usr/bin/env bash
# The demo on the embedded engines: web server on 127.0.0.1:8000, the workers, one sample job.
# Run through `make demo`, which sets everything up first. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# The demo is a development run on this machine: DEBUG on, the public dev secret key.
export DEBUG="${DEBUG:-True}"
ADDR=${DEMO_ADDR:-127.0.0.1:8000}
LOG_DIR=var/demo
mkdir -p "$LOG_DIR"

if "$PY" - "$ADDR" <<'PYEOF'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
sys.exit(0 if socket.socket().connect_ex((host, int(port))) == 0 else 1)
PYEOF
then
  echo "Something is already listening on $ADDR: stop it or set DEMO_ADDR=host:port." >&2
  exit 1
fi

# The commands the README shows run in the same development mode after the demo: say so
# once in .env (kept out of git), unless it already says how this machine runs.
if ! grep -qsE '^[[:space:]]*(DEBUG|SECRET_KEY)[[:space:]]*=' .env; then
  if [ -s .env ] && [ -n "$(tail -c 1 .env)" ]; then echo >>.env; fi
  printf '%s\n' "# Written by make demo: a development machine (DEBUG on, the development secret key)." \
    "# Remove it, and set SECRET_KEY and ALLOWED_HOSTS, for production (docs/operations.md)." \
    "DEBUG=True" >>.env
  echo "Wrote DEBUG=True into .env, so manage.py runs in development mode here."
fi

"$PY" manage.py demo_setup

pids=()
cleanup() { trap - EXIT INT TERM; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "$ADDR" heygem_site.wsgi \
  >"$LOG_DIR/web.log" 2>&1 &
pids+=($!)
"$PY" manage.py workers >"$LOG_DIR/workers.log" 2>&1 &
pids+=($!)

for _ in $(seq 60); do
  "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://$ADDR/healthz', timeout=1)" \
    2>/dev/null && break
  sleep 0.5
done

TEXT="Welcome to HeyGem Studio. In lesson 3 we study \$x^2 + 1\$: at 10:30 on March 3, 2026, 25% of 1,200 students scored above 90."
echo "Submitting a sample job (embedded engines: espeak speech, dub video without lip-sync)…"
out=$("$PY" manage.py generate --user demo --text "$TEXT" --video "$LOG_DIR/speaker.mp4" --wait --timeout 600)
job_id=$(printf '%s\n' "$out" | head -n 1)
result=$(printf '%s\n' "$out" | tail -n 1)
echo
echo "Finished video:"
echo "$result"
echo
echo "Open http://$ADDR/jobs/$job_id/ and log in as demo / $(cat "$LOG_DIR/password")"
echo "Serving until interrupted (Ctrl-C). Logs: $LOG_DIR/web.log, $LOG_DIR/workers.log"
wait
