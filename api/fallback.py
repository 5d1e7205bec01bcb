"""404 in the API's error shape for paths under /v1/ and /v1.0/ that no route matches."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from api.errors import ApiError, graph_body, rest_body
from partnercenter.errors import Code


def _error() -> ApiError:
    from django.utils.translation import gettext as _

    return ApiError(404, Code.NOT_FOUND, _("Not found"))


@csrf_exempt
def rest_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(rest_body(_error()), status=404)


@csrf_exempt
def graph_not_found(request: HttpRequest) -> JsonResponse:
    request_id = request.headers.get("client-request-id") or str(uuid.uuid4())
    return JsonResponse(graph_body(_error(), request_id), status=404)
