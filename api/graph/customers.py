"""delegatedAdminCustomers: the customers the partner holds an active admin relationship with, and
where their services are managed (the portal's Service management page for the customer)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.graph import odata
from api.graph import serializers as s
from api.graph.relationships import LIST_PARAMS, READ, TAG, GdapView
from gdap import bulk_selectors

CID = OpenApiParameter("customer_id", str, OpenApiParameter.PATH, description="The customer's tenant id")


class CustomerList(GdapView):
    api_perms = READ

    @extend_schema(tags=[TAG], operation_id="delegatedAdminCustomers_list", parameters=LIST_PARAMS,
                   responses={200: s.CustomerPage, **s.errors()})
    def get(self, request: Request) -> Response:
        odata.no_filter(request)
        page = bulk_selectors.gdap_customers_page(partner=request.tenant, cursor=odata.skiptoken(request),
                                                  page_size=odata.top(request))
        values = s.DelegatedAdminCustomer(page.rows, many=True).data
        return Response(odata.page(request, "tenantRelationships/delegatedAdminCustomers", values, page.next_cursor))


class CustomerItem(GdapView):
    api_perms = READ

    @extend_schema(tags=[TAG], operation_id="delegatedAdminCustomers_get", parameters=[CID],
                   responses={200: s.DelegatedAdminCustomer, **s.errors()})
    def get(self, request: Request, customer_id: str) -> Response:
        customer = bulk_selectors.gdap_customer_get(partner=request.tenant, customer_id=customer_id)
        fragment = "tenantRelationships/delegatedAdminCustomers/$entity"
        return Response({"@odata.context": odata.context(request, fragment), **s.DelegatedAdminCustomer(customer).data})


class ServiceManagementList(GdapView):
    api_perms = READ

    @extend_schema(tags=[TAG], operation_id="delegatedAdminCustomers_serviceManagementDetails_list",
                   parameters=[CID], responses={200: s.ServiceManagementPage, **s.errors()})
    def get(self, request: Request, customer_id: str) -> Response:
        customer = bulk_selectors.gdap_customer_get(partner=request.tenant, customer_id=customer_id)
        url = odata.absolute(request, reverse("support:services", kwargs={"customer_id": customer.pk}))
        values = [{"id": f"{customer.pk}-portal", "serviceId": "PartnerCenterPortal", "serviceManagementUrl": url}]
        fragment = f"tenantRelationships/delegatedAdminCustomers('{customer.pk}')/serviceManagementDetails"
        return Response(odata.page(request, fragment, values, None))
