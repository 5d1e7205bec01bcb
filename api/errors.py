"""The two error shapes programs get, from the domain's typed errors and DRF's exceptions.

Partner Center REST v1: ``{"code": <int>, "description", "data": [...], "source": "PartnerCenter"}``;
Microsoft Graph: ``{"error": {"code", "message", "innerError": {"request-id", "date"}}}``. Both are
always JSON, whatever went wrong (an unexpected exception is logged and answered as a 500 in shape)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from partnercenter.errors import HTTP_STATUS, Code, DomainError

logger = logging.getLogger(__name__)

# Partner Center's numeric error codes of this portal, one per domain code (stable: programs match them).
REST_CODES: dict[Code, int] = {
    Code.NOT_FOUND: 600001, Code.FORBIDDEN: 600002, Code.CONFLICT: 600003, Code.INVALID: 600004,
    Code.REGION_MISMATCH: 600005, Code.CLOUD_MISMATCH: 600006, Code.US_GOVERNMENT: 600007, Code.EXPIRED: 600008,
    Code.REVOKED: 600009, Code.ALREADY_ACCEPTED: 600010, Code.ALREADY_ANSWERED: 600011,
    Code.ALREADY_REMOVED: 600012, Code.PENDING_EXISTS: 600013, Code.STALE: 600014, Code.BUSY: 600015,
    Code.BLOCKED: 600016, Code.REFUSED: 600017, Code.NOT_RESELLER: 600018, Code.ASSOCIATED: 600019,
    Code.GLOBAL_ADMIN_AUTO_EXTEND: 600020,
}
# Codes of what goes wrong before a service is reached (authentication, scopes, throttling, parsing).
REST_PROTOCOL_CODES: dict[str, int] = {
    "unauthenticated": 600100, "insufficient_scope": 600101, "throttled": 600102, "bad_request": 600103,
    "method_not_allowed": 600104, "unsupported_media_type": 600105, "not_acceptable": 600106,
    "precondition_failed": 600107, "precondition_required": 600108, "idempotency_key_reused": 600109,
    "request_too_large": 600110,
    "server_error": 600199,
}


class PreconditionFailed(exceptions.APIException):
    """An `If-Match` etag that is no longer the object's (Graph: 412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object has changed since you read it: read it again and retry."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    """A change that needs `If-Match` and came without it (Graph: 428)."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "This change needs an If-Match header with the object's etag."
    default_code = "precondition_required"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used for a different request."
    default_code = "idempotency_key_reused"


# What each error status of an API route means, in the OpenAPI document of both families.
ERROR_MEANINGS: dict[int, Any] = {
    400: gettext_lazy("The request or a query option is not valid (the answer says what)."),
    401: gettext_lazy("No bearer token, or one that is not valid any more (WWW-Authenticate)."),
    403: gettext_lazy("The token lacks the route's scope, or the app's roles do not allow this."),
    404: gettext_lazy("Not found (or another partner's)."),
    406: gettext_lazy("Only application/json is answered."),
    409: gettext_lazy("A rule of the product or the object's state refused this (the answer says which)."),
    412: gettext_lazy("If-Match is not the object's current etag."),
    415: gettext_lazy("Send application/json."),
    422: gettext_lazy("This Idempotency-Key was used for a different request."),
    428: gettext_lazy("This change needs If-Match with the object's etag."),
    429: gettext_lazy("Too many requests: retry after Retry-After seconds."),
}


def error_responses(body: Any, *codes: int) -> dict[int, OpenApiResponse]:
    """The error answers of an operation for @extend_schema: each status of `codes` with its meaning and
    the family's error `body` (REST v1 and webhooks: RestErrorSerializer; Graph: GraphError)."""
    return {code: OpenApiResponse(body, description=ERROR_MEANINGS[code]) for code in sorted(set(codes))}


def camel(code: str) -> str:
    head, *rest = code.split("_")
    return head + "".join(part.capitalize() for part in rest)


class ApiError:
    """One error, before it is put in a shape: HTTP status, machine code, message, field details."""

    def __init__(self, status_code: int, code: str, message: str, data: list[Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.status_code, self.code, self.message = status_code, code, message
        self.data, self.headers = data or [], headers or {}


def _validation_data(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested ValidationError detail as a flat list of {field, message, code}."""
    items: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            items += _validation_data(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for value in detail:
            items += _validation_data(value, prefix)
    else:
        items.append({"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")})
    return items


def api_error(exc: Exception) -> ApiError:
    """Map any exception to an ApiError. Unknown ones are logged and become a 500 in shape."""
    if isinstance(exc, DomainError):
        data = [{"field": exc.field, "message": exc.message, "code": str(exc.code)}] if exc.field else []
        return ApiError(HTTP_STATUS.get(exc.code, 400), str(exc.code), exc.message, data)
    if isinstance(exc, Http404):
        return ApiError(404, Code.NOT_FOUND, _("Not found"))
    if isinstance(exc, DjangoPermissionDenied):
        return ApiError(403, Code.FORBIDDEN, _("You do not have permission to do this."))
    if isinstance(exc, SuspiciousOperation):  # e.g. a malformed %-escape in the query (oauthlib refuses it)
        return ApiError(400, "bad_request", _("The request is malformed."))
    if isinstance(exc, exceptions.ValidationError):
        data = _validation_data(exc.detail)
        message = "; ".join(f"{item['field']}: {item['message']}" if item["field"] else item["message"]
                            for item in data) or _("The request is not valid.")
        return ApiError(400, Code.INVALID, message, data)
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1) + (0 if float(exc.wait or 1).is_integer() else 1)
        return ApiError(429, "throttled", _("Too many requests: try again in %(seconds)s seconds.")
                        % {"seconds": wait}, headers={"Retry-After": str(wait)})
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return ApiError(401, "unauthenticated", str(exc.detail))
    if isinstance(exc, exceptions.NotFound):
        return ApiError(404, Code.NOT_FOUND, _("Not found"))
    if isinstance(exc, exceptions.PermissionDenied):
        return ApiError(403, getattr(exc, "api_code", Code.FORBIDDEN), str(exc.detail))
    if isinstance(exc, exceptions.APIException):
        codes = {400: "bad_request", 405: "method_not_allowed", 406: "not_acceptable", 415: "unsupported_media_type"}
        code = codes.get(exc.status_code, str(exc.default_code))
        return ApiError(exc.status_code, code, str(exc.detail))
    logger.exception("API request failed", exc_info=exc)
    return ApiError(500, "server_error", _("Something went wrong on our side. Try again later."))


def rest_body(error: ApiError) -> dict[str, Any]:
    try:
        number = REST_CODES[Code(error.code)]
    except ValueError:
        number = REST_PROTOCOL_CODES.get(error.code, REST_PROTOCOL_CODES["bad_request"])
    return {"code": number, "description": error.message, "data": error.data, "source": "PartnerCenter",
            "errorName": error.code}


def graph_body(error: ApiError, request_id: str = "") -> dict[str, Any]:
    return {"error": {"code": camel(error.code), "message": error.message,
                      "innerError": {"request-id": request_id,
                                     "date": datetime.now(UTC).replace(microsecond=0).isoformat()}}}


def _response(exc: Exception, context: dict[str, Any], shape) -> Response:  # noqa: ANN001
    error = api_error(exc)
    request = context.get("request")
    body = shape(error, request) if request is not None else shape(error, None)
    response = Response(body, status=error.status_code, headers=error.headers)
    if error.status_code == 401 and request is not None:
        view = context.get("view")
        header = view.get_authenticate_header(request) if view is not None else None
        response["WWW-Authenticate"] = header or 'Bearer realm="api"'
    return response


def rest_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    return _response(exc, context, lambda error, _request: rest_body(error))


def graph_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    return _response(exc, context, lambda error, request: graph_body(
        error, getattr(request, "request_id", "") if request is not None else ""))
