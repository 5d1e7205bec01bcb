"""/webhooks/v1/registration: Partner Center's webhook registration API. One registration per API app
(the calling app's own; a partner may have several apps and registrations made on the Webhooks page):
GET / POST / PUT / DELETE it, the event names, and validation events (test-created) with their delivery
attempts. Each method is one service or selector call; errors are the REST v1 shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.plumbing import build_array_type
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import RestView
from api.renderers import JSONRenderer
from api.rest.serializers_common import errors as _errors
from partnercenter.roles import Perm
from webhooks import selectors, services
from webhooks.catalog import EVENT_NAMES
from webhooks.serializers import (
    CorrelationSerializer,
    RegistrationCreatedSerializer,
    RegistrationInSerializer,
    RegistrationOutSerializer,
    ValidationEventSerializer,
)

ALL = {"GET": Perm.API_MANAGE, "POST": Perm.API_MANAGE, "PUT": Perm.API_MANAGE, "DELETE": Perm.API_MANAGE}
TAGS = ["webhooks"]


class WebhookView(RestView):
    api_area = "webhooks"
    api_perms = ALL

    def _input(self, request: Request) -> dict[str, Any]:
        body = RegistrationInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return {"url": body.validated_data["WebhookUrl"], "events": body.validated_data["WebhookEvents"]}


class RegistrationView(WebhookView):
    """The calling API app's webhook registration."""

    @extend_schema(tags=TAGS, operation_id="webhooks_registration_get",
                   responses={200: RegistrationOutSerializer, **_errors(404)})
    def get(self, request: Request) -> Response:
        registration = selectors.registration_of_app(app=request.api_app)
        return Response(RegistrationOutSerializer(registration).data)

    @extend_schema(tags=TAGS, operation_id="webhooks_registration_create", request=RegistrationInSerializer,
                   responses={201: RegistrationCreatedSerializer, **_errors(400, 409, 422)})
    def post(self, request: Request) -> Response:
        registration, secret = services.registration_create(partner=request.tenant, actor=request.user,
                                                            api_app=request.api_app, **self._input(request))
        registration.WebhookSecret = secret
        answer = RegistrationCreatedSerializer(registration).data
        response = Response(answer, status=201)
        # An Idempotency-Key replay answers the same registration with "WebhookSecret": null: the secret is
        # shown once and never stored in the replay table (api.idempotency; like a new customer's password).
        response.idempotent_body = JSONRenderer().render({**answer, "WebhookSecret": None})
        return response

    @extend_schema(tags=TAGS, operation_id="webhooks_registration_update", request=RegistrationInSerializer,
                   responses={200: RegistrationOutSerializer, **_errors(400, 404)})
    def put(self, request: Request) -> Response:
        registration = selectors.registration_of_app(app=request.api_app)
        registration = services.registration_update(registration=registration, actor=request.user,
                                                    **self._input(request))
        return Response(RegistrationOutSerializer(registration).data)

    @extend_schema(tags=TAGS, operation_id="webhooks_registration_delete",
                   responses={204: OpenApiResponse(description="Deleted"), **_errors(404)})
    def delete(self, request: Request) -> Response:
        services.registration_delete(registration=selectors.registration_of_app(app=request.api_app),
                                     actor=request.user)
        return Response(status=204)


class EventNamesView(WebhookView):
    """The names of the events a registration may subscribe to."""

    api_perms = {"GET": Perm.API_MANAGE}

    @extend_schema(tags=TAGS, operation_id="webhooks_registration_events",
                   responses={200: OpenApiResponse(build_array_type({"type": "string", "enum": list(EVENT_NAMES)})),
                              **_errors()})
    def get(self, request: Request) -> Response:
        return Response(list(EVENT_NAMES))


class ValidationEventsView(WebhookView):
    """Send a test-created event to the app's registration; its correlationId finds its deliveries."""

    api_perms = {"POST": Perm.API_MANAGE}

    @extend_schema(tags=TAGS, operation_id="webhooks_validation_event_send", request=None,
                   responses={200: CorrelationSerializer, **_errors(404, 409, 422)})
    def post(self, request: Request) -> Response:
        event = services.test_event_send(registration=selectors.registration_of_app(app=request.api_app),
                                         actor=request.user)
        return Response({"correlationId": str(event.uuid)})


class ValidationEventView(WebhookView):
    """A validation event and its delivery attempts."""

    api_perms = {"GET": Perm.API_MANAGE}

    @extend_schema(tags=TAGS, operation_id="webhooks_validation_event_get",
                   responses={200: ValidationEventSerializer, **_errors(404)})
    def get(self, request: Request, correlation_id: Any) -> Response:
        registration = selectors.registration_of_app(app=request.api_app)
        event = selectors.event_by_correlation(registration=registration, correlation_id=correlation_id)
        event.attempt_list = list(selectors.attempts_of(event=event))
        return Response(ValidationEventSerializer(event).data)
