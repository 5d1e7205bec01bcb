"""Partner Center REST v1 customers: list (seek paging, filter), get, add (the Add customer wizard's
service), remove the reseller relationship (PATCH relationshipToPartner none). Scope area `customers`."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import RestView
from api.renderers import JSONRenderer
from api.rest import paging
from api.rest.serializers_common import REQUEST_ID_PARAMETERS, errors
from api.rest.serializers_customers import (
    NEW_CUSTOMER_FIELDS,
    CreatedCustomerSerializer,
    CustomerCollectionSerializer,
    CustomerPatchSerializer,
    CustomerSerializer,
    FilterSerializer,
    ListQuerySerializer,
    NewCustomerSerializer,
    customer_body,
)
from customers import removal_selectors, selectors
from customers.onboarding import Created, customer_add
from customers.services import reseller_relationship_remove
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError
from partnercenter.models import PartnerType, Tenant
from partnercenter.roles import Perm
from resellers.selectors import partnered_provider_typed, partnered_reseller_typed


def _filter_parsed(raw: str) -> dict[str, str]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValidationError({"filter": [_("The filter is not JSON.")]}) from None
    checked = FilterSerializer(data=data)
    if not isinstance(data, dict) or not checked.is_valid():
        detail = checked.errors if isinstance(data, dict) else [_("The filter must be a JSON object.")]
        raise ValidationError({"filter": detail})
    return {**checked.validated_data, "Value": checked.validated_data["Value"].strip()}


def _filter_arguments(partner: Tenant, wanted: dict[str, str] | None) -> dict[str, object]:
    """The list selector's arguments for a filter: a search, or one reseller / provider of the channel."""
    if not wanted:
        return {}
    field, value = wanted["Field"], wanted["Value"]
    if field in ("CompanyName", "Domain"):
        return {"search": value, "prefix": True}  # the only operator is starts_with
    if field == "IndirectReseller":
        reseller = (partnered_reseller_typed(provider=partner, text=value)
                    if partner.partner_type == PartnerType.INDIRECT_PROVIDER else None)
        if reseller is None:
            raise ValidationError({"filter": [_("Value must be the tenant id or MPN ID of one of your partnered "
                                                "indirect resellers (indirect providers only).")]})
        return {"reseller": reseller}
    provider = (partnered_provider_typed(reseller=partner, text=value)
                if partner.partner_type == PartnerType.INDIRECT_RESELLER else None)
    if provider is None:
        raise ValidationError({"filter": [_("Value must be the tenant id or MPN ID of one of your indirect "
                                            "providers (indirect resellers only).")]})
    return {"provider": provider}


class CustomerCollectionView(RestView):
    api_area = "customers"
    api_perms = {"GET": Perm.CUSTOMERS_VIEW, "POST": Perm.CUSTOMERS_ADD}

    @extend_schema(
        operation_id="customers_list", summary="The partner's customers, a page at a time",
        parameters=[ListQuerySerializer, paging.TOKEN_PARAMETER, *REQUEST_ID_PARAMETERS],
        responses={200: CustomerCollectionSerializer, **errors(400)})
    def get(self, request: Request) -> Response:
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        partner, size = request.tenant, query.validated_data["size"]
        token = paging.request_token(request)
        cursor, wanted = "", None
        if token:
            cursor, extra = paging.token_decode(token)
            wanted = extra.get("f")
            if wanted is not None and not isinstance(wanted, dict):
                raise paging.token_invalid()
            if wanted is not None:
                wanted = _filter_parsed(json.dumps(wanted))
        elif "filter" in query.validated_data:
            wanted = _filter_parsed(query.validated_data["filter"])
        try:
            page = selectors.customers_page(partner=partner, cursor=cursor, page_size=size, reseller_ids=True,
                                            reseller_names=False,
                                            **_filter_arguments(partner, wanted))
        except selectors.InvalidCursor:
            raise paging.token_invalid() from None
        items = [customer_body(row) for row in page.rows]
        next_token = paging.token_encode(page.next_cursor, {"f": wanted} if wanted else {}) if page.next_cursor else None
        return Response(paging.collection(request, items, next_token=next_token, next_query={"size": size}))

    @extend_schema(
        operation_id="customers_create", summary="Add a customer (tenant, Global admin, reseller relationship)",
        request=NewCustomerSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description="A repeat with the same key and body gets the first answer."),
                    *REQUEST_ID_PARAMETERS],
        responses={201: CreatedCustomerSerializer, **errors(400, 409, 422)})
    def post(self, request: Request) -> Response:
        body = NewCustomerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or uuid.uuid4().hex
        try:
            # Admin permissions as the app's roles allow (the service asks permissions_of: the app's).
            created = customer_add(partner=request.tenant, actor=request.user, data=body.new_customer(),
                                   idempotency_key=key)
        except DomainError as exc:
            exc.field = NEW_CUSTOMER_FIELDS.get(exc.field or "", exc.field)
            raise
        return _created(request.tenant, created)


def _created(partner: Tenant, created: Created) -> Response:
    answer = _one(partner, str(created.customer.id))
    answer["userCredentials"] = {"userName": created.admin_email, "password": created.temporary_password}
    response = Response(answer, status=201, headers={"Location": answer["links"]["self"]["uri"]})
    # An Idempotency-Key replay answers the same customer without the password (never stored in clear).
    response.idempotent_body = JSONRenderer().render(
        {**answer, "userCredentials": {**answer["userCredentials"], "password": None}})
    return response


def _one(partner: Tenant, customer_id: str) -> dict:
    row = selectors.customer_for_partner(partner=partner, customer_id=customer_id, reseller_ids=True)
    return customer_body(row, profile=True)


class CustomerView(RestView):
    api_area = "customers"
    api_perms = {"GET": Perm.CUSTOMERS_VIEW, "PATCH": Perm.RELATIONSHIP_REMOVE}

    @extend_schema(operation_id="customers_get", summary="One customer", parameters=REQUEST_ID_PARAMETERS,
                   responses={200: CustomerSerializer, **errors(404)})
    def get(self, request: Request, customer_id: str) -> Response:
        return Response(_one(request.tenant, customer_id))

    @extend_schema(
        operation_id="customers_update", summary='Remove the reseller relationship (relationshipToPartner "none")',
        request=CustomerPatchSerializer, parameters=REQUEST_ID_PARAMETERS,
        responses={200: OpenApiResponse(CustomerSerializer, description="The customer, no longer yours."),
                   **errors(400, 404, 409)})
    def patch(self, request: Request, customer_id: str) -> Response:
        partner = request.tenant
        _relationship, customer = removal_selectors.relationship_to_remove(partner=partner, customer_id=customer_id)
        body = CustomerPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reseller_relationship_remove(partner=partner, customer=customer, actor=request.user, attested=True,
                                     ip=client_ip(request))
        # No longer the partner's: no admin permissions, no reseller serving it.
        removed = SimpleNamespace(customer_id=customer.id, customer=customer, has_dap=False, indirect_reseller_id=None)
        return Response(customer_body(removed, profile=True, relationship="none"))
