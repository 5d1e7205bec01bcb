"""The base of every API view: token authentication, scope and role per route, the partner's rate
limit, the error shape of its family, request ids echoed, one activity entry per call, and
`Idempotency-Key` replay on POST. A view subclasses RestView (Partner Center REST v1) or GraphView
(Microsoft Graph), names `api_area` and `api_perms`, and calls one service."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import idempotency
from api.auth import AppTokenAuthentication
from api.errors import graph_exception_handler, rest_exception_handler
from api.events import ApiEvents
from api.permissions import AppMayCall
from api.renderers import JSONRenderer
from api.throttling import PartnerRateThrottle
from partnercenter.dispatch import atomic_unflushed
from partnercenter.events import acting_client, event_record, event_record_unflushed
from partnercenter.selectors import acting_app


class ApiView(APIView):
    authentication_classes = [AppTokenAuthentication]
    permission_classes = [AppMayCall]
    throttle_classes = [PartnerRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    api_area: ClassVar[str] = ""
    api_perms: ClassVar[dict[str, str]] = {}
    # Headers a caller's ids arrive in and are echoed back in (the first one is generated when missing).
    request_id_headers: ClassVar[tuple[str, ...]] = ()

    def dispatch(self, request, *args: Any, **kwargs: Any):  # noqa: ANN001, ANN201
        # What api.auth sets for this call (the app as actor, its roles in the services) ends with it.
        reset_client, reset_app = acting_client.set(""), acting_app.set(None)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            acting_app.reset(reset_app)
            acting_client.reset(reset_client)

    def initialize_request(self, request, *args: Any, **kwargs: Any) -> Request:  # noqa: ANN001
        drf_request = super().initialize_request(request, *args, **kwargs)
        first = self.request_id_headers[0] if self.request_id_headers else ""
        drf_request.request_id = request.headers.get(first) or str(uuid.uuid4()) if first else str(uuid.uuid4())
        return drf_request

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        idempotency.replay_check(request)  # after authentication: keys are the app's own

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        for index, name in enumerate(self.request_id_headers):
            value = request.request_id if index == 0 else request.headers.get(name)
            if value:
                response[name] = value
        app = getattr(request, "api_app", None)
        if app is not None:
            idempotency.remember(request, response)
            _call_record(app, request, response)
        return response


def _call_record(app, request: Request, response: Response) -> None:  # noqa: ANN001
    """The call's activity entry. Its commit does not wait for the WAL flush (PostgreSQL's
    synchronous_commit off for this one transaction): a crash may lose the last fraction of a second of
    call entries, never a change — the services' own entries commit with their changes."""
    data = {"app": app.name, "method": request.method, "path": request.path[:300], "status": response.status_code}
    if event_record_unflushed(tenant=app.partner, kind=ApiEvents.CALL, actor_client=app.client_id, data=data):
        return  # one statement, one round trip
    with atomic_unflushed():
        event_record(tenant=app.partner, kind=ApiEvents.CALL, actor_client=app.client_id, data=data, savepoint=False)


class RestView(ApiView):
    """Partner Center REST v1: errors {code, description, data, source}; MS-RequestId, MS-CorrelationId."""

    request_id_headers = ("MS-RequestId", "MS-CorrelationId")

    def get_exception_handler(self):  # noqa: ANN201
        return rest_exception_handler


class GraphView(ApiView):
    """Microsoft Graph: errors {"error": {code, message, innerError}}; request-id, client-request-id."""

    request_id_headers = ("request-id", "client-request-id")

    def get_exception_handler(self):  # noqa: ANN201
        return graph_exception_handler
