"""One signed POST to a checked address (plain Python: no models).

The connection goes to ``Target.address`` — the IP that was checked — with the
URL's host name in the ``Host`` header and, for https, as the TLS server name
and the name the certificate must match. So the name is resolved once only.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime

import certifi
import urllib3
from standardwebhooks.webhooks import Webhook

from .addresses import Target

USER_AGENT = "HeyGem-Studio-Webhooks/1 (+https://www.standardwebhooks.com/)"
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 10.0


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(payload: dict) -> str:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def signature(secrets: list[str], *, message_id: str, at: datetime, body: str) -> str:
    """``v1,<sig>`` for every live secret, space-separated (the spec's rotation form)."""
    return " ".join(Webhook(s).sign(msg_id=message_id, timestamp=at, data=body) for s in secrets)


def headers_for(secrets: list[str], *, message_id: str, at: datetime, body: str) -> dict:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(secrets, message_id=message_id, at=at, body=body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def post(target: Target, *, headers: dict, body: str) -> Answer:
    """POST ``body``; every network failure is an Answer with an error, never an exception."""
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address, target.port, maxsize=1, retries=False, timeout=timeout,
            server_hostname=target.host, assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, maxsize=1, retries=False, timeout=timeout
        )
    started = time.monotonic()
    try:
        response = pool.urlopen("POST", target.path, body=body.encode(), redirect=False,
                                headers={**headers, "Host": target.host_header},
                                preload_content=False)  # fmt: skip
        excerpt = response.read(500).decode("utf-8", "replace")
        response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return Answer(None, _ms_since(started), error=f"{type(exc).__name__}: {exc}")
    finally:
        pool.close()
    return Answer(response.status, _ms_since(started), excerpt=excerpt)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
