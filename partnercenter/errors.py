"""Typed domain errors: what a rule of the product refused, with a stable machine code.

A service raises one of these; it never builds a response. The code is stable (the API of a later
issue returns it), `field` names the form field the message belongs beside, and the message is worded
when it is shown — a lazy translation plus `params`, so the reader's language applies, not the
language active when the error was raised (a worker, an API call).

Views map errors to pages in one place, `partnercenter.errors.show()` (form field or page message,
and the status code from `HTTP_STATUS`); an error no view catches becomes the matching error page
through `DomainErrorMiddleware` (not_found → 404, forbidden → 403, the rest → 409/400 with the
message). The API maps the same codes to its own error shapes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class Code(StrEnum):
    """Every code a domain error may carry. A new code is added here, with its HTTP status."""

    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    INVALID = "invalid"
    REGION_MISMATCH = "region_mismatch"
    CLOUD_MISMATCH = "cloud_mismatch"
    US_GOVERNMENT = "us_government"  # admin permissions do not exist in the US Government cloud
    EXPIRED = "expired"
    REVOKED = "revoked"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_ANSWERED = "already_answered"
    ALREADY_REMOVED = "already_removed"
    PENDING_EXISTS = "pending_exists"
    STALE = "stale"  # the page or the ETag is out of date: someone else changed the object
    BUSY = "busy"  # another change of the same object is running: try again
    BLOCKED = "blocked"  # a prerequisite is missing (e.g. active subscriptions block a removal)
    REFUSED = "refused"  # a relationship rule refused (the message says which)
    NOT_RESELLER = "not_reseller"
    ASSOCIATED = "associated"  # another reseller of the provider serves the customer
    GLOBAL_ADMIN_AUTO_EXTEND = "global_admin_auto_extend"  # GDAP: auto-extend with Global Administrator


HTTP_STATUS: dict[Code, int] = {
    Code.NOT_FOUND: 404,
    Code.FORBIDDEN: 403,
    Code.CONFLICT: 409,
    Code.INVALID: 400,
    Code.REGION_MISMATCH: 409,
    Code.CLOUD_MISMATCH: 409,
    Code.US_GOVERNMENT: 400,
    Code.EXPIRED: 410,
    Code.REVOKED: 410,
    Code.ALREADY_ACCEPTED: 409,
    Code.ALREADY_ANSWERED: 409,
    Code.ALREADY_REMOVED: 409,
    Code.PENDING_EXISTS: 409,
    Code.STALE: 409,
    Code.BUSY: 409,
    Code.BLOCKED: 409,
    Code.REFUSED: 409,
    Code.NOT_RESELLER: 409,
    Code.ASSOCIATED: 409,
    Code.GLOBAL_ADMIN_AUTO_EXTEND: 400,
}


class DomainError(Exception):
    """A rule of the product refused the change.

    `message` may be a lazy translation with `%(name)s` placeholders filled from `params` when it is
    read; `field` names the form field it belongs beside; `code` is one of `Code` (a subclass fixes
    its own code, which a caller may narrow to a more specific one)."""

    default_code: Code = Code.INVALID

    def __init__(
        self,
        message: str | Promise,
        *,
        field: str | None = None,
        code: Code | str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = Code(code) if code is not None else self.default_code  # an unknown code raises
        self._message = message
        self.params = dict(params or {})
        self.field = field
        super().__init__(str(self.code))

    @property
    def message(self) -> str:
        """The message in the language active now (the reader's)."""
        text = str(self._message)
        if self.params:
            try:
                return text % self.params
            except (KeyError, TypeError, ValueError):
                return text
        return text

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """Unknown, foreign or revoked object: all look the same from outside."""

    default_code = Code.NOT_FOUND


class Forbidden(DomainError):
    """The acting user's role or organisation may not do this."""

    default_code = Code.FORBIDDEN


class Conflict(DomainError):
    """The object's state does not allow this change now."""

    default_code = Code.CONFLICT


class Invalid(DomainError):
    """The input breaks a rule; `field` says which."""

    default_code = Code.INVALID


class Expired(DomainError):
    default_code = Code.EXPIRED


class Stale(DomainError):
    """Someone else changed the object since the page (or ETag) was read."""

    default_code = Code.STALE


def show(request: Any, exc: DomainError, form: Any = None) -> int:
    """The one place a view turns a domain error into what the reader sees: beside the form field it
    names when the form has that field, else as a page message (Django's messages). Returns the HTTP status to render the
    page with (400 for input, 409 for state, 403/404 for access)."""
    if form is not None and exc.field and exc.field in getattr(form, "fields", {}):
        form.add_error(exc.field, exc.message)
    else:
        from django.contrib import messages

        messages.error(request, exc.message)
    return exc.status


class DomainErrorMiddleware:
    """An uncaught domain error becomes the matching error page, never a 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> Any:
        if not isinstance(exception, DomainError):
            return None
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.template.response import TemplateResponse

        if exception.code == Code.NOT_FOUND:
            raise Http404 from exception
        if exception.code == Code.FORBIDDEN:
            raise PermissionDenied(exception.message) from exception
        response = TemplateResponse(request, "domain_error.html", {"error": exception}, status=exception.status)
        return response.render()
