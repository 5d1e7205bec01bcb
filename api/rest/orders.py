"""Partner Center REST v1: a customer's orders; placing one buys a subscription per line
(subscriptions.services.order_place, which refuses what the order form refuses)."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import RestView
from api.errors import IdempotencyKeyReused
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import expired_before
from api.rest import paging
from api.rest.serializers_commerce import OrderCollectionSerializer, OrderInSerializer, OrderSerializer
from api.rest.subscriptions import customer_of
from partnercenter.errors import DomainError, Invalid
from partnercenter.roles import Perm
from resellers.selectors import partnered_reseller_typed
from subscriptions import selectors, services
from subscriptions.rules import order_reseller_of_record

TAGS = ["Orders"]


def order_key(request: Request) -> str:
    """The order's idempotency key: from the app and its `Idempotency-Key`, so a retry (even one racing
    the first request) finds the first order; without the header every POST is a new order."""
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key:
        return uuid.uuid4().hex
    return "api:" + hashlib.sha256(f"{request.api_app.pk}\n{key}".encode()).hexdigest()[:56]


def _reseller_id(request: Request, lines: list[dict]) -> object:
    mpn_id = order_reseller_of_record(line.get("partnerIdOnRecord") for line in lines)  # one (the body's check)
    if not mpn_id:
        return None
    reseller = partnered_reseller_typed(provider=request.tenant, text=mpn_id)
    if reseller is None:
        raise Invalid(_("Choose one of your partnered indirect resellers."), field="lineItems.partnerIdOnRecord")
    return reseller.id


def _line_errors(exc: DomainError, lines: list[dict]) -> serializers.ValidationError | None:
    """The service's refusals per offer, as errors of the lines that name it."""
    errors = getattr(exc, "line_errors", None)
    if not errors:
        return None
    return serializers.ValidationError({"lineItems": {
        str(index): [errors[line["offerId"].id]] for index, line in enumerate(lines) if line["offerId"].id in errors}})


class OrderListView(RestView):
    api_area = "subscriptions"
    api_perms = {"GET": Perm.SUBSCRIPTIONS_VIEW, "POST": Perm.SUBSCRIPTIONS_BUY}

    @extend_schema(operation_id="customer_orders_list", tags=TAGS, summary=_("A customer's orders, newest first"),
                   parameters=[paging.PageQuerySerializer, paging.TOKEN_PARAMETER],
                   responses={200: OrderCollectionSerializer})
    def get(self, request: Request, customer_id: str) -> Response:
        customer = customer_of(request, customer_id)
        query = paging.PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        size = query.validated_data["size"]
        orders, next_token = paging.seek(selectors.orders_of_customer(partner=request.tenant, customer=customer),
                                         ("created_at", "id"), request=request, size=size,
                                         descending=True)
        return Response(paging.collection(request, OrderSerializer(orders, many=True).data,
                                          next_token=next_token, next_query={"size": size}))

    @extend_schema(
        operation_id="customer_order_create", tags=TAGS, summary=_("Place an order"),
        description=_("Buys one subscription per line item. With an Idempotency-Key a retry answers with the "
                      "first order instead of buying twice. Refused (409) without an active reseller relationship "
                      "or the customer's acceptance of the customer agreement."),
        parameters=[OpenApiParameter("Location", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201],
                                     required=True)],
        request=OrderInSerializer, responses={201: OpenApiResponse(OrderSerializer, description=_("The order."))},
    )
    def post(self, request: Request, customer_id: str) -> Response:
        customer = customer_of(request, customer_id)
        body = OrderInSerializer(data=request.data, context={"customer_id": customer.id})
        body.is_valid(raise_exception=True)
        lines = body.validated_data["lineItems"]
        key = order_key(request)
        if selectors.order_key_used_before(partner=request.tenant, idempotency_key=key, before=expired_before()):
            # Its replay has expired, but the key still names that order: never another purchase's.
            raise IdempotencyKeyReused(_("This Idempotency-Key was used for an order more than %(hours)s hours ago: "
                                         "send a new key.") % {"hours": settings.API_IDEMPOTENCY_HOURS})
        try:
            order, created = services.order_place(
                partner=request.tenant, customer=customer, actor=request.user,
                lines=[services.Line(offer_id=line["offerId"].id, quantity=line["quantity"]) for line in lines],
                idempotency_key=key, partner_of_record_id=_reseller_id(request, lines),
            )
        except DomainError as exc:
            raise _line_errors(exc, lines) or exc from exc
        order = selectors.order_for_partner(partner=request.tenant, customer=customer, order_id=order.id)
        data = OrderSerializer(order).data
        headers = {"Location": data["links"]["self"]["uri"]}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(data, status=201, headers=headers)


class OrderView(RestView):
    api_area = "subscriptions"
    api_perms = {"GET": Perm.SUBSCRIPTIONS_VIEW}

    @extend_schema(operation_id="customer_order_get", tags=TAGS, summary=_("One order"),
                   responses={200: OrderSerializer})
    def get(self, request: Request, customer_id: str, order_id: str) -> Response:
        customer = customer_of(request, customer_id)
        order = selectors.order_for_partner(partner=request.tenant, customer=customer, order_id=order_id)
        return Response(OrderSerializer(order).data)
