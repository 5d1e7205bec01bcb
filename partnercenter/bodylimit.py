"""A ceiling on the size of any request body (settings.REQUEST_MAX_BYTES), checked on the declared
Content-Length before anything reads the body: Django keeps uploaded files out of
DATA_UPLOAD_MAX_MEMORY_SIZE and streams them to disk, so without it a 1 GB "attachment" would be written
out in full before its form said it was too large. The forms still check each file (service-request
attachments, logos, bulk CSV files); this bounds what reaches them. A body without Content-Length is
not read by Django at all.

Answered with 413: a page in the visitor's language, or the API's error shape under its prefixes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

GRAPH_PREFIX = "/v1.0/"
REST_PREFIXES = ("/v1/", "/webhooks/v1/")


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        if limit and declared_length(request) > limit:
            return refused(request, limit)
        return self.get_response(request)


def refused(request: HttpRequest, limit: int) -> HttpResponse:
    message = _("The request is larger than %(size)s, the most the portal accepts at once.") % {
        "size": filesizeformat(limit)}
    path = request.path_info
    if path.startswith(GRAPH_PREFIX) or path.startswith(REST_PREFIXES):
        from api.errors import ApiError, graph_body, rest_body

        error = ApiError(413, "request_too_large", message)
        if path.startswith(GRAPH_PREFIX):
            body = graph_body(error, request.headers.get("client-request-id") or str(uuid.uuid4()))
        else:
            body = rest_body(error)
        response: HttpResponse = JsonResponse(body, status=413)
    else:
        # A plain render, as the 500 page: nothing of the session or the database is needed to say it.
        response = HttpResponse(loader.get_template("413.html").render({"message": message}), status=413)
    # CommonMiddleware, which would add the length, lies inside this one. No "Connection: close": WSGI
    # forbids hop-by-hop headers from the application (runserver's wsgiref refuses them); the server
    # decides what becomes of the unread body.
    response["Content-Length"] = len(response.content)
    return response
