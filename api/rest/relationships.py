"""Partner Center REST v1 relationships: the two-tier channel (GET /v1/relationships) and the link a
customer opens to accept a reseller relationship (GET /v1/customers/relationshiprequests). Scope area
`relationships`; the link needs `relationships.write`, since each call issues a new one."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import RestView
from api.permissions import InsufficientScope
from api.rest import paging
from api.rest.serializers_common import REQUEST_ID_PARAMETERS, errors
from api.rest.serializers_customers import PartnerRelationshipCollectionSerializer, RelationshipRequestSerializer
from invitations.services import acceptance_path, invitation_create
from partnercenter.clientip import client_ip
from partnercenter.models import PartnerType, Tenant
from partnercenter.roles import Perm
from resellers.selectors import partnered_provider_typed, provider_partnerships, reseller_partnerships

TYPES = {"IsIndirectCloudSolutionProviderOf": "is_indirect_cloud_solution_provider_of",
         "IsIndirectResellerOf": "is_indirect_reseller_of"}


class RelationshipsQuerySerializer(paging.PageQuerySerializer):
    relationship_type = serializers.ChoiceField(tuple(TYPES), help_text=(
        "IsIndirectCloudSolutionProviderOf: an indirect reseller's providers; IsIndirectResellerOf: an "
        "indirect provider's resellers. Any other partner has none."))


def _relationship(other: Tenant, kind: str) -> dict:
    return {"id": str(other.id), "name": other.name, "relationshipType": TYPES[kind], "state": "active",
            "mpnId": other.mpn_id or "", "location": str(other.country),
            "attributes": {"objectType": "PartnerRelationship"}}


class RelationshipsView(RestView):
    api_area = "relationships"
    api_perms = {"GET": Perm.PARTNERSHIPS_VIEW}

    @extend_schema(operation_id="relationships_list", summary="The partner's indirect providers or resellers",
                   parameters=[RelationshipsQuerySerializer, paging.TOKEN_PARAMETER, *REQUEST_ID_PARAMETERS],
                   responses={200: PartnerRelationshipCollectionSerializer, **errors(400)})
    def get(self, request: Request) -> Response:
        query = RelationshipsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind, partner, size = query.validated_data["relationship_type"], request.tenant, query.validated_data["size"]
        others: list[Tenant] = []
        next_token = None
        # By the other partner's name, as the Resellers and Providers pages list them.
        if kind == "IsIndirectCloudSolutionProviderOf" and partner.partner_type == PartnerType.INDIRECT_RESELLER:
            rows, next_token = paging.seek(provider_partnerships(reseller=partner), ("provider__name", "id"),
                                           request=request, size=size)
            others = [row.provider for row in rows]
        elif kind == "IsIndirectResellerOf" and partner.partner_type == PartnerType.INDIRECT_PROVIDER:
            rows, next_token = paging.seek(reseller_partnerships(provider=partner), ("reseller__name", "id"),
                                           request=request, size=size)
            others = [row.reseller for row in rows]
        return Response(paging.collection(request, [_relationship(other, kind) for other in others],
                                          next_token=next_token, next_query={"relationship_type": kind, "size": size}))


class RelationshipRequestQuerySerializer(serializers.Serializer):
    includeDelegatedAdminPrivileges = serializers.BooleanField(required=False, default=False, help_text=(  # noqa: N815
        "Ask for delegated admin permissions too (not in the US Government cloud)."))
    indirectProviderId = serializers.CharField(required=False, max_length=64, help_text=(  # noqa: N815
        "Indirect resellers (required for them): the tenant id or MPN ID of the indirect provider the customer "
        "accepts together with you."))


class RelationshipRequestView(RestView):
    api_area = "relationships"
    api_perms = {"GET": Perm.RELATIONSHIP_REQUEST}
    http_method_names = ["get", "options"]  # its GET issues a link: a HEAD must not (405)

    @extend_schema(operation_id="relationship_requests_get",
                   summary="A new reusable link that asks a customer for a reseller relationship",
                   parameters=[RelationshipRequestQuerySerializer, *REQUEST_ID_PARAMETERS],
                   responses={200: RelationshipRequestSerializer, **errors(400, 409)})
    def get(self, request: Request) -> Response:
        if "relationships.write" not in (request.auth.scope or "").split():
            raise InsufficientScope(_("This app's token lacks the scope %(scope)s.") % {"scope": "relationships.write"})
        query = RelationshipRequestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        include_dap = query.validated_data["includeDelegatedAdminPrivileges"]
        provider = None
        if request.tenant.partner_type == PartnerType.INDIRECT_RESELLER and "indirectProviderId" in query.validated_data:
            provider = partnered_provider_typed(reseller=request.tenant, text=query.validated_data["indirectProviderId"])
            if provider is None:
                raise ValidationError({"indirectProviderId": [_("Choose one of your indirect providers.")]})
        _request, raw_token = invitation_create(
            partner=request.tenant, actor=request.user, reusable=True, ip=client_ip(request),
            include_dap=include_dap, provider=provider)
        return Response({"url": request.build_absolute_uri(acceptance_path(raw_token)),
                         "attributes": {"objectType": "RelationshipRequest"}})
