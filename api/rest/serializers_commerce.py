"""Partner Center REST v1 bodies of subscriptions and orders (camelCase, `attributes.objectType`),
mapped from subscriptions.models; the OpenAPI document is generated from these serializers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.rest.serializers_common import CollectionSerializer, LinkSerializer, SelfLinksSerializer  # noqa: F401
from subscriptions.models import BillingCycle, Offer, Order, Subscription, SubscriptionStatus, Term, UnitType
from subscriptions.rules import order_reseller_of_record, renews_automatically
from subscriptions.selectors import commitment_end_date

# The portal's statuses in Partner Center's words: a cancelled subscription is "deleted".
API_STATUS = {SubscriptionStatus.ACTIVE: "active", SubscriptionStatus.SUSPENDED: "suspended",
              SubscriptionStatus.CANCELLED: "deleted"}
ORDER_BILLING_CYCLES = [*BillingCycle.values, "unknown"]  # "unknown": lines with different cycles


def etag(subscription: Subscription) -> str:
    """The subscription's optimistic version as an HTTP entity tag."""
    return f'"{subscription.version}"'


def self_links(uri: str) -> dict[str, Any]:
    return {"self": {"uri": uri, "method": "GET", "headers": []}}


class SubscriptionAttributesSerializer(serializers.Serializer):
    etag = serializers.CharField()
    objectType = serializers.ChoiceField(choices=["Subscription"])


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    offerId = serializers.CharField(source="offer.sku", help_text=_("The offer's SKU in the catalog."))
    offerName = serializers.CharField(source="offer.display_name")
    friendlyName = serializers.CharField(source="offer.display_name")
    quantity = serializers.IntegerField()
    unitType = serializers.ChoiceField(source="offer.unit_type", choices=UnitType.values)
    creationDate = serializers.DateTimeField(source="created_at")
    effectiveStartDate = serializers.DateTimeField(source="created_at")
    commitmentEndDate = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    autoRenewEnabled = serializers.SerializerMethodField()
    billingCycle = serializers.ChoiceField(source="offer.billing_cycle", choices=BillingCycle.values)
    termDuration = serializers.ChoiceField(source="offer.term", choices=Term.values)
    orderId = serializers.SerializerMethodField()
    partnerId = serializers.SerializerMethodField(
        help_text=_("The MPN ID of the indirect reseller of record; empty when there is none."))
    links = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateField())
    def get_commitmentEndDate(self, obj: Subscription) -> str:
        return commitment_end_date(obj, today=timezone.localdate()).isoformat()

    @extend_schema_field(serializers.ChoiceField(choices=list(API_STATUS.values())))
    def get_status(self, obj: Subscription) -> str:
        return API_STATUS.get(obj.status, obj.status)

    def get_autoRenewEnabled(self, obj: Subscription) -> bool:
        return renews_automatically(obj)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_orderId(self, obj: Subscription) -> str | None:
        line = getattr(obj, "order_line", None)
        return str(line.order_id) if line is not None else None

    def get_partnerId(self, obj: Subscription) -> str:
        return obj.partner_of_record.mpn_id if obj.partner_of_record_id else ""

    @extend_schema_field(SelfLinksSerializer)
    def get_links(self, obj: Subscription) -> dict[str, Any]:
        return self_links(reverse("api_rest:subscription", args=[obj.customer_id, obj.id]))

    @extend_schema_field(SubscriptionAttributesSerializer)
    def get_attributes(self, obj: Subscription) -> dict[str, str]:
        return {"etag": etag(obj), "objectType": "Subscription"}


class SubscriptionPatchSerializer(serializers.Serializer):
    """What a program may change; other fields of a Subscription sent along are ignored."""

    quantity = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(required=False, choices=["active", "suspended"])


class SubscriptionCollectionSerializer(CollectionSerializer):
    items = SubscriptionSerializer(many=True)


# --- Orders --------------------------------------------------------------------------------------


class OfferSkuField(serializers.SlugRelatedField):
    """An offer of the catalog named by its SKU (whether it may be bought is the service's rule)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="sku", queryset=Offer.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Offer:
        if not isinstance(data, str) or "\x00" in data or len(data) > 64:
            self.fail("invalid")
        return super().to_internal_value(data)


class LineItemInSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(required=False, min_value=0)
    offerId = OfferSkuField(help_text=_("The offer's SKU in the catalog."))
    quantity = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    friendlyName = serializers.CharField(required=False, allow_blank=True, max_length=200)
    partnerIdOnRecord = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text=_("Indirect providers: the MPN ID of a partnered indirect reseller of record."))


class OrderInSerializer(serializers.Serializer):
    lineItems = LineItemInSerializer(many=True, min_length=1, max_length=50)
    referenceCustomerId = serializers.UUIDField(required=False)
    billingCycle = serializers.CharField(required=False, max_length=32,
                                         help_text=_("Ignored: each offer has its own billing cycle."))

    def validate_referenceCustomerId(self, value: object) -> object:
        if value is not None and str(value) != str(self.context.get("customer_id", value)):
            raise serializers.ValidationError(_("An order is for the customer in the URL."))
        return value

    def validate_lineItems(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if order_reseller_of_record(line.get("partnerIdOnRecord") for line in lines) is None:
            raise serializers.ValidationError(_("All lines of an order have the same reseller of record."))
        return lines


class LineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField()
    offerId = serializers.CharField()
    subscriptionId = serializers.UUIDField()
    friendlyName = serializers.CharField()
    quantity = serializers.IntegerField()
    termDuration = serializers.ChoiceField(choices=Term.values)
    partnerIdOnRecord = serializers.CharField()


class OrderAttributesSerializer(serializers.Serializer):
    objectType = serializers.ChoiceField(choices=["Order"])


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    referenceCustomerId = serializers.UUIDField(source="customer_id")
    billingCycle = serializers.SerializerMethodField()
    lineItems = serializers.SerializerMethodField()
    creationDate = serializers.DateTimeField(source="created_at")
    status = serializers.SerializerMethodField(help_text=_("Orders are placed at once: always completed."))
    links = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()

    @staticmethod
    def _lines(order: Order) -> list:
        return sorted(order.lines.all(), key=lambda line: line.id)

    @extend_schema_field(serializers.ChoiceField(choices=ORDER_BILLING_CYCLES))
    def get_billingCycle(self, obj: Order) -> str:
        cycles = {line.offer.billing_cycle for line in self._lines(obj)}
        return cycles.pop() if len(cycles) == 1 else "unknown"

    @extend_schema_field(LineItemSerializer(many=True))
    def get_lineItems(self, obj: Order) -> list[dict[str, Any]]:
        reseller = obj.partner_of_record.mpn_id if obj.partner_of_record_id else ""
        return [{"lineItemNumber": number, "offerId": line.offer.sku, "subscriptionId": str(line.subscription_id),
                 "friendlyName": line.offer.display_name, "quantity": line.quantity, "termDuration": line.offer.term,
                 "partnerIdOnRecord": reseller} for number, line in enumerate(self._lines(obj))]

    @extend_schema_field(serializers.ChoiceField(choices=["completed"]))
    def get_status(self, obj: Order) -> str:
        return "completed"

    @extend_schema_field(SelfLinksSerializer)
    def get_links(self, obj: Order) -> dict[str, Any]:
        return self_links(reverse("api_rest:order", args=[obj.customer_id, obj.id]))

    @extend_schema_field(OrderAttributesSerializer)
    def get_attributes(self, obj: Order) -> dict[str, str]:
        return {"objectType": "Order"}


class OrderCollectionSerializer(CollectionSerializer):
    items = OrderSerializer(many=True)
