"""One signed POST to a checked target: Standard Webhooks headers, connected to the address the SSRF
check approved (no second DNS look-up), TLS verified against the host name, redirects never followed."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

import urllib3
from standardwebhooks.webhooks import Webhook

from webhooks.rules import Target

TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)
EXCERPT = 1024
USER_AGENT = "PartnerCenter-Webhooks/1"


def body_of(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def signature(secrets: list[str], *, msg_id: str, timestamp: datetime, body: str) -> str:
    """`webhook-signature`: one "v1,<base64>" per secret, space-separated (a rotation signs with both)."""
    return " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets)


def headers_for(secrets: list[str], *, msg_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature(secrets, msg_id=msg_id, timestamp=timestamp, body=body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


@dataclass
class Outcome:
    status_code: int | None
    duration_ms: int
    excerpt: str
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(target: Target, address: str) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, target.port, timeout=TIMEOUT, retries=False, maxsize=1, cert_reqs="CERT_REQUIRED",
            server_hostname=target.host, assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=TIMEOUT, retries=False, maxsize=1)


def post(target: Target, *, body: str, headers: dict[str, str]) -> Outcome:
    """POST `body` to the target's first checked address. Never raises for the network's failures."""
    default_port = 443 if target.scheme == "https" else 80
    name = f"[{target.host}]" if ":" in target.host else target.host
    host_header = name if target.port == default_port else f"{name}:{target.port}"
    started = time.monotonic()
    pool = _pool(target, target.addresses[0])
    try:
        response = pool.urlopen("POST", target.path, body=body.encode(), headers={**headers, "Host": host_header},
                                redirect=False, retries=False, preload_content=False, assert_same_host=False)
        try:
            raw = response.read(EXCERPT, decode_content=True) or b""
        except urllib3.exceptions.HTTPError:
            raw = b""
        finally:
            response.release_conn()
        excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT]
        error = ""
        if 300 <= response.status < 400:
            error = f"redirect to {response.headers.get('Location', '')[:300]} not followed"
        return Outcome(response.status, _ms(started), excerpt, error)
    except urllib3.exceptions.HTTPError as exc:
        return Outcome(None, _ms(started), "", f"{type(exc).__name__}: {exc}"[:500])
    finally:
        pool.close()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
