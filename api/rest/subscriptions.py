"""Partner Center REST v1: a customer's subscriptions; reading one gives its optimistic version as the
`ETag`, a change (quantity, suspend/activate) needs it back in `If-Match`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import RestView
from api.errors import PreconditionFailed, PreconditionRequired
from api.rest import paging
from api.rest.serializers_commerce import (
    SubscriptionCollectionSerializer,
    SubscriptionPatchSerializer,
    SubscriptionSerializer,
    etag,
)
from customers.selectors import customer_for_partner
from partnercenter.models import Tenant
from partnercenter.roles import Perm
from subscriptions import selectors, services
from subscriptions.models import Subscription

TAGS = ["Subscriptions"]
ORDER = ("offer__name", "created_at", "id")  # the Subscriptions page's order, and a unique last key
ETAG_HEADER = OpenApiParameter("ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200], required=True,
                               description=_("The subscription's version; send it back in If-Match to change it."))
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description=_("The ETag of the subscription as last read (or *). Missing: 428; no longer current: 412."))


def customer_of(request: Request, customer_id: object) -> Tenant:
    """The app's partner's customer (an active relationship); anybody else's is a 404."""
    return customer_for_partner(partner=request.tenant, customer_id=customer_id).customer


def _subscription(request: Request, customer_id: object, subscription_id: object) -> Subscription:
    customer = customer_of(request, customer_id)
    return selectors.subscription_for_partner(partner=request.tenant, customer=customer,
                                              subscription_id=subscription_id)


def if_match_version(request: Request, current: int) -> int:
    """The version the caller read, from `If-Match` (`"3"`, `W/"3"`, a list, or `*` for the current one)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return current
    versions = set()
    for tag in header.split(","):
        value = tag.strip().removeprefix("W/").strip('"')
        if value.isascii() and value.isdigit() and len(value) < 10:
            versions.add(int(value))
    if current in versions:
        return current
    raise PreconditionFailed()


class SubscriptionListView(RestView):
    api_area = "subscriptions"
    api_perms = {"GET": Perm.SUBSCRIPTIONS_VIEW}

    @extend_schema(operation_id="customer_subscriptions_list", tags=TAGS, summary=_("A customer's subscriptions"),
                   parameters=[paging.PageQuerySerializer, paging.TOKEN_PARAMETER],
                   responses={200: SubscriptionCollectionSerializer})
    def get(self, request: Request, customer_id: str) -> Response:
        customer = customer_of(request, customer_id)
        query = paging.PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        size = query.validated_data["size"]
        rows, next_token = paging.seek(
            selectors.subscriptions_of_customer(partner=request.tenant, customer=customer).select_related("order_line"),
            ORDER, request=request, size=size)
        return Response(paging.collection(request, SubscriptionSerializer(rows, many=True).data,
                                          next_token=next_token, next_query={"size": size}))


class SubscriptionView(RestView):
    api_area = "subscriptions"
    api_perms = {"GET": Perm.SUBSCRIPTIONS_VIEW, "PATCH": Perm.SUBSCRIPTIONS_BUY}

    @extend_schema(operation_id="customer_subscription_get", tags=TAGS, summary=_("One subscription"),
                   parameters=[ETAG_HEADER], responses={200: SubscriptionSerializer})
    def get(self, request: Request, customer_id: str, subscription_id: str) -> Response:
        subscription = _subscription(request, customer_id, subscription_id)
        return Response(SubscriptionSerializer(subscription).data, headers={"ETag": etag(subscription)})

    @extend_schema(operation_id="customer_subscription_update", tags=TAGS,
                   summary=_("Change the quantity, or suspend or activate"),
                   parameters=[IF_MATCH, ETAG_HEADER], request=SubscriptionPatchSerializer,
                   responses={200: SubscriptionSerializer})
    def patch(self, request: Request, customer_id: str, subscription_id: str) -> Response:
        subscription = _subscription(request, customer_id, subscription_id)
        version = if_match_version(request, subscription.version)
        body = SubscriptionPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            subscription = services.subscription_update(
                subscription=subscription, actor=request.user, version=version,
                quantity=body.validated_data.get("quantity"), status=body.validated_data.get("status"),
            )
        except services.SubscriptionConflict as exc:  # changed between the read and the write
            raise PreconditionFailed() from exc
        return Response(SubscriptionSerializer(subscription).data, headers={"ETag": etag(subscription)})
