"""delegatedAdminRelationships: list (`$top`, `$filter`, `$skiptoken`), create, get, update and delete,
each a call of gdap's selectors or services (gdap.rules decides; these map names and errors)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import GraphView
from api.graph import odata
from api.graph import serializers as s
from customers.selectors import customer_for_partner
from gdap import bulk_selectors, selectors, services
from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.clientip import client_ip
from partnercenter.errors import Invalid, NotFound
from partnercenter.models import Tenant
from partnercenter.roles import Perm

TAG = "GDAP (Microsoft Graph)"
READ = {"GET": Perm.GDAP_VIEW}
WRITE = {"GET": Perm.GDAP_VIEW, "POST": Perm.GDAP_MANAGE, "PATCH": Perm.GDAP_MANAGE, "DELETE": Perm.GDAP_MANAGE}
IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description="The object's @odata.etag")
ID = OpenApiParameter("rel_id", str, OpenApiParameter.PATH, description="The relationship's id")
LIST_PARAMS = [
    OpenApiParameter("$top", {"type": "integer", "minimum": 1, "maximum": odata.TOP_MAX},
                     description=f"Page size, 1..{odata.TOP_MAX} (default {odata.TOP_DEFAULT})"),
    OpenApiParameter("$skiptoken", str, description="From @odata.nextLink"),
]


class GdapView(GraphView):
    api_area = "gdap"
    api_perms = WRITE

    def ip(self, request: Request) -> str | None:
        return client_ip(request)  # behind a trusted proxy, the address it saw (as the pages record it)

    def relationship(self, request: Request, rel_id: Any) -> AdminRelationship:
        """The partner's own relationship (another partner's, a customer's view or a bad id: 404)."""
        rel = selectors.relationship_get(tenant=request.tenant, relationship_id=rel_id)
        if rel.partner_id != request.tenant.pk:
            raise NotFound(_("Not found"))
        return rel

    def located(self, request: Request, body: dict[str, Any], name: str, status: int = 201,
                headers: dict[str, str] | None = None, **kwargs: Any) -> Response:
        location = odata.absolute(request, reverse(f"api_graph:{name}", kwargs=kwargs))
        return Response(body, status=status, headers={"Location": location, **(headers or {})})


def _relationship_body(request: Request, rel: AdminRelationship) -> dict[str, Any]:
    body = {"@odata.context": odata.context(request, "tenantRelationships/delegatedAdminRelationships/$entity"),
            **s.DelegatedAdminRelationship(rel).data}
    return body


def _fresh(request: Request, rel: AdminRelationship) -> dict[str, Any]:
    return _relationship_body(request, selectors.relationship_get(tenant=request.tenant, relationship_id=rel.pk))


def _customer(partner: Tenant, data: dict[str, Any] | None) -> Tenant | None:
    """The body's customer.tenantId as one of the partner's customers (none given: bound at approval)."""
    tenant_id = (data or {}).get("tenantId")
    if tenant_id is None:
        return None
    try:
        return customer_for_partner(partner=partner, customer_id=tenant_id).customer
    except NotFound:
        raise Invalid(_("Choose one of your customers."), field="customer") from None


class RelationshipList(GdapView):
    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationships_list", parameters=[
        *LIST_PARAMS, OpenApiParameter("$filter", str, description="status eq '…' and/or customer/tenantId eq '…'")],
        responses={200: s.RelationshipPage, **s.errors()})
    def get(self, request: Request) -> Response:
        wanted = odata.relationship_filter(request, RelationshipStatus.values)
        size = odata.top(request)
        page = bulk_selectors.relationships_keyset(
            partner=request.tenant, status=wanted.status, customer_id=wanted.customer_id,
            cursor=odata.skiptoken(request), page_size=size)
        values = s.DelegatedAdminRelationship(page.rows, many=True).data
        return Response(odata.page(request, "tenantRelationships/delegatedAdminRelationships", values,
                                   page.next_cursor))

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationships_create",
                   request=s.DelegatedAdminRelationshipCreate,
                   responses={201: s.DelegatedAdminRelationship, **s.errors(writes=True)})
    def post(self, request: Request) -> Response:
        body = s.DelegatedAdminRelationshipCreate(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rel = services.relationship_create(
            partner=request.tenant, actor=request.user, display_name=data["displayName"],
            roles=s.role_ids(data["accessDetails"]), duration=data["duration"],
            auto_extend=data.get("autoExtendDuration"), customer=_customer(request.tenant, data.get("customer")),
            ip=self.ip(request))
        answer = self.located(request, _fresh(request, rel), "relationship", rel_id=rel.pk)
        answer["ETag"] = rel.etag
        return answer


class RelationshipItem(GdapView):
    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationships_get", parameters=[ID],
                   responses={200: s.DelegatedAdminRelationship, **s.errors()})
    def get(self, request: Request, rel_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        return Response(_relationship_body(request, rel), headers={"ETag": rel.etag})

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationships_update",
                   request=s.DelegatedAdminRelationshipPatch,
                   parameters=[ID, IF_MATCH],
                   responses={200: s.DelegatedAdminRelationship, **s.errors(412, 428, writes=True)})
    def patch(self, request: Request, rel_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        etag = odata.if_match(request)
        body = s.DelegatedAdminRelationshipPatch(data=request.data)
        body.is_valid(raise_exception=True)
        changes = _changes(request.tenant, body.validated_data)
        with odata.etag_guard():  # removing only Global Administrator is allowed when active (the service)
            rel = services.relationship_update(rel, actor=request.user, if_match=etag, ip=self.ip(request), **changes)
        fresh = selectors.relationship_get(tenant=request.tenant, relationship_id=rel.pk)
        return Response(_relationship_body(request, fresh), headers={"ETag": fresh.etag})

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationships_delete", parameters=[ID, IF_MATCH],
                   request=None, responses={204: None, **s.errors(412, 428, writes=True)})
    def delete(self, request: Request, rel_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        etag = odata.if_match(request)
        with odata.etag_guard():
            services.relationship_delete(rel, actor=request.user, if_match=etag, ip=self.ip(request))
        return Response(status=204)


def _changes(partner: Tenant, data: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body in the service's names (only what the caller sent)."""
    names = {"displayName": "display_name", "duration": "duration", "autoExtendDuration": "auto_extend"}
    changes = {names[key]: value for key, value in data.items() if key in names}
    if "accessDetails" in data:
        changes["roles"] = s.role_ids(data["accessDetails"])
    if data.get("customer") and data["customer"].get("tenantId") is not None:
        changes["customer"] = _customer(partner, data["customer"])
    return changes

