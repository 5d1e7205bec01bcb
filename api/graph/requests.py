"""…/delegatedAdminRelationships/{id}/requests: lockForApproval and terminate (gdap's services), and the
relationship's requests (the customer's approve or reject among them)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.graph import odata
from api.graph import serializers as s
from api.graph.relationships import ID, LIST_PARAMS, READ, TAG, GdapView
from gdap import bulk_selectors, services
from gdap.models import RequestAction, TerminatedSide

RID = OpenApiParameter("request_id", str, OpenApiParameter.PATH, description="The request's id")
FRAGMENT = "tenantRelationships/delegatedAdminRelationships('{id}')/requests"


class RequestList(GdapView):
    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationshipRequests_list", parameters=[ID, *LIST_PARAMS],
                   responses={200: s.RequestPage, **s.errors()})
    def get(self, request: Request, rel_id: str) -> Response:
        odata.no_filter(request)
        rel = self.relationship(request, rel_id)
        page = bulk_selectors.children_page(rel.requests.all(), cursor=odata.skiptoken(request),
                                            page_size=odata.top(request))
        values = s.DelegatedAdminRelationshipRequest(page.rows, many=True).data
        return Response(odata.page(request, FRAGMENT.format(id=rel.pk), values, page.next_cursor))

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationshipRequests_create", parameters=[ID],
                   request=s.DelegatedAdminRelationshipRequestCreate,
                   responses={201: s.DelegatedAdminRelationshipRequest, **s.errors(writes=True)})
    def post(self, request: Request, rel_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        body = s.DelegatedAdminRelationshipRequestCreate(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["action"] == RequestAction.LOCK_FOR_APPROVAL:
            made, _approval, _raw = services.lock_for_approval(rel, actor=request.user, ip=self.ip(request))
        else:
            made = services.terminate(rel, actor=request.user, side=TerminatedSide.PARTNER, ip=self.ip(request))
        made.refresh_from_db()  # a task may have completed it at commit
        return self.located(request, s.DelegatedAdminRelationshipRequest(made).data, "request", rel_id=rel.pk,
                            request_id=made.pk)


class RequestItem(GdapView):
    api_perms = READ

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationshipRequests_get", parameters=[ID, RID],
                   responses={200: s.DelegatedAdminRelationshipRequest, **s.errors()})
    def get(self, request: Request, rel_id: str, request_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        made = bulk_selectors.child_get(rel.requests.all(), request_id)
        return Response(s.DelegatedAdminRelationshipRequest(made).data)
