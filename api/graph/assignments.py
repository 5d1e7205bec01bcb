"""…/{id}/accessAssignments (a security group of the partner × some of the relationship's roles) and
…/{id}/operations (gdap's AccessAssignmentOperation: an update is applied at once and recorded as a
succeeded delegatedAdminAccessAssignmentUpdate, so PATCH answers 202 with its Location)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.graph import odata
from api.graph import serializers as s
from api.graph.relationships import ID, IF_MATCH, LIST_PARAMS, READ, TAG, GdapView
from gdap import bulk_selectors, selectors, services
from gdap.models import AccessAssignment, AdminRelationship

AID = OpenApiParameter("assignment_id", str, OpenApiParameter.PATH, description="The access assignment's id")
OID = OpenApiParameter("operation_id", str, OpenApiParameter.PATH, description="The operation's id")
RETRY_AFTER = "5"  # seconds; the operation has already succeeded when the 202 is sent


def _all_assignments(rel: AdminRelationship) -> QuerySet[AccessAssignment]:
    return rel.assignments.select_related("security_group").prefetch_related("roles")


class AssignmentList(GdapView):
    @extend_schema(tags=[TAG], operation_id="delegatedAdminAccessAssignments_list", parameters=[ID, *LIST_PARAMS],
                   responses={200: s.AssignmentPage, **s.errors()})
    def get(self, request: Request, rel_id: str) -> Response:
        odata.no_filter(request)
        rel = self.relationship(request, rel_id)
        page = bulk_selectors.children_page(selectors.assignments_of(relationship=rel),
                                            cursor=odata.skiptoken(request), page_size=odata.top(request))
        values = s.DelegatedAdminAccessAssignment(page.rows, many=True).data
        fragment = f"tenantRelationships/delegatedAdminRelationships('{rel.pk}')/accessAssignments"
        return Response(odata.page(request, fragment, values, page.next_cursor))

    @extend_schema(tags=[TAG], operation_id="delegatedAdminAccessAssignments_create", parameters=[ID],
                   request=s.DelegatedAdminAccessAssignmentCreate,
                   responses={201: s.DelegatedAdminAccessAssignment, **s.errors(writes=True)})
    def post(self, request: Request, rel_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        body = s.DelegatedAdminAccessAssignmentCreate(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        group = selectors.security_group_get(tenant=request.tenant,
                                             group_id=data["accessContainer"]["accessContainerId"])
        made = services.assignment_create(rel, actor=request.user, security_group=group,
                                          roles=s.role_ids(data["accessDetails"]), ip=self.ip(request))
        made = bulk_selectors.child_get(_all_assignments(rel), made.pk)
        return self.located(request, s.DelegatedAdminAccessAssignment(made).data, "assignment", rel_id=rel.pk,
                            assignment_id=made.pk, headers={"ETag": made.etag})


class AssignmentItem(GdapView):
    def assignment(self, request: Request, rel_id: str, assignment_id: str) -> AccessAssignment:
        return bulk_selectors.child_get(_all_assignments(self.relationship(request, rel_id)), assignment_id)

    @extend_schema(tags=[TAG], operation_id="delegatedAdminAccessAssignments_get", parameters=[ID, AID],
                   responses={200: s.DelegatedAdminAccessAssignment, **s.errors()})
    def get(self, request: Request, rel_id: str, assignment_id: str) -> Response:
        found = self.assignment(request, rel_id, assignment_id)
        return Response(s.DelegatedAdminAccessAssignment(found).data, headers={"ETag": found.etag})

    @extend_schema(tags=[TAG], operation_id="delegatedAdminAccessAssignments_update", parameters=[ID, AID, IF_MATCH],
                   request=s.DelegatedAdminAccessAssignmentPatch,
                   responses={200: s.DelegatedAdminAccessAssignment, 202: s.DelegatedAdminAccessAssignment,
                              **s.errors(412, 428, writes=True)})
    def patch(self, request: Request, rel_id: str, assignment_id: str) -> Response:
        found = self.assignment(request, rel_id, assignment_id)
        etag = odata.if_match(request)
        body = s.DelegatedAdminAccessAssignmentPatch(data=request.data)
        body.is_valid(raise_exception=True)
        with odata.etag_guard():
            _saved, operation = services.assignment_update(found, actor=request.user, if_match=etag,
                                                           roles=s.role_ids(body.validated_data["accessDetails"]),
                                                           ip=self.ip(request))
        fresh = bulk_selectors.child_get(_all_assignments(found.relationship), found.pk)
        data = s.DelegatedAdminAccessAssignment(fresh).data
        if operation is None:
            return Response(data, headers={"ETag": fresh.etag})
        return self.located(request, data, "operation", status=202, rel_id=found.relationship_id,
                            operation_id=operation.pk, headers={"ETag": fresh.etag, "Retry-After": RETRY_AFTER})

    @extend_schema(tags=[TAG], operation_id="delegatedAdminAccessAssignments_delete", parameters=[ID, AID, IF_MATCH],
                   request=None, responses={204: None, **s.errors(412, 428, writes=True)})
    def delete(self, request: Request, rel_id: str, assignment_id: str) -> Response:
        found = self.assignment(request, rel_id, assignment_id)
        etag = odata.if_match(request)
        with odata.etag_guard():
            services.assignment_delete(found, actor=request.user, if_match=etag, ip=self.ip(request))
        return Response(status=204)


class OperationList(GdapView):
    api_perms = READ

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationshipOperations_list", parameters=[ID, *LIST_PARAMS],
                   responses={200: s.OperationPage, **s.errors()})
    def get(self, request: Request, rel_id: str) -> Response:
        odata.no_filter(request)
        rel = self.relationship(request, rel_id)
        page = bulk_selectors.children_page(rel.operations.all(), cursor=odata.skiptoken(request),
                                            page_size=odata.top(request))
        values = s.DelegatedAdminRelationshipOperation(page.rows, many=True).data
        fragment = f"tenantRelationships/delegatedAdminRelationships('{rel.pk}')/operations"
        return Response(odata.page(request, fragment, values, page.next_cursor))


class OperationItem(GdapView):
    api_perms = READ

    @extend_schema(tags=[TAG], operation_id="delegatedAdminRelationshipOperations_get", parameters=[ID, OID],
                   responses={200: s.DelegatedAdminRelationshipOperation, **s.errors()})
    def get(self, request: Request, rel_id: str, operation_id: str) -> Response:
        rel = self.relationship(request, rel_id)
        operation = bulk_selectors.child_get(rel.operations.all(), operation_id)
        return Response(s.DelegatedAdminRelationshipOperation(operation).data)
