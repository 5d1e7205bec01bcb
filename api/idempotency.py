"""`Idempotency-Key` on POST: the first answer (below 500) is stored per app and key and replayed for a
repeat of the same request; the same key with another method, path or body is refused (422).

Two identical requests racing with one key may both reach the service; the services that create
something expensive (orders) take the key themselves and are safe under that race."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import IdempotencyKeyReused

HEADER = "Idempotency-Key"


class Replay(Exception):  # noqa: N818  (not an error: the stored answer short-circuits the view)
    def __init__(self, response: Response) -> None:
        super().__init__("replay")
        self.response = response


def _key(request: Request) -> str:
    return (request.headers.get(HEADER) or "").strip()[:200] if request.method == "POST" else ""


def _digest(request: Request) -> str:
    body = request._request.body if hasattr(request, "_request") else b""
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), body])).hexdigest()


def replay_check(request: Request) -> None:
    from api.models import IdempotentResponse

    key, app = _key(request), getattr(request, "api_app", None)
    if not key or app is None:
        return
    request.idempotency_digest = _digest(request)  # read the body now, before the parsers consume it
    stored = IdempotentResponse.objects.filter(app=app, key=key).first()
    if stored is None:
        return
    if stored.request_digest != request.idempotency_digest:
        raise IdempotencyKeyReused()
    response = Response(status=stored.status_code, headers={**stored.headers, "Idempotent-Replayed": "true"})
    response.content = bytes(stored.body)
    response["Content-Type"] = stored.headers.get("Content-Type", "application/json")
    response._is_rendered = True  # the stored bytes are the rendered body
    raise Replay(response)


def remember(request: Request, response: Response) -> None:
    from api.models import IdempotentResponse

    key, app = _key(request), getattr(request, "api_app", None)
    digest = getattr(request, "idempotency_digest", "")
    if not key or not digest or app is None or response.status_code >= 500 or response.get("Idempotent-Replayed"):
        return
    if not getattr(response, "_is_rendered", False):
        response.render()
    headers = {name: response[name] for name in ("Content-Type", "Location", "ETag") if response.has_header(name)}
    try:
        with transaction.atomic():
            # A view may store a redacted body (a temporary password is never stored in clear).
            body = getattr(response, "idempotent_body", None) or response.content
            IdempotentResponse.objects.create(app=app, key=key, request_digest=digest,
                                              status_code=response.status_code, body=body, headers=headers)
    except IntegrityError:  # a racing twin stored its answer first; either answer is the request's
        pass
