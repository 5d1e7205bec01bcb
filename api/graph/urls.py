from django.urls import path  # noqa: F401

from api.graph import assignments, customers, relationships, requests

app_name = "api_graph"

RELATIONSHIP = "delegatedAdminRelationships/<str:rel_id>"

urlpatterns: list = [
    # delegatedAdminRelationships, requests, accessAssignments, operations, delegatedAdminCustomers
    path("delegatedAdminRelationships", relationships.RelationshipList.as_view(), name="relationships"),
    path(RELATIONSHIP, relationships.RelationshipItem.as_view(), name="relationship"),
    path(f"{RELATIONSHIP}/requests", requests.RequestList.as_view(), name="requests"),
    path(f"{RELATIONSHIP}/requests/<str:request_id>", requests.RequestItem.as_view(), name="request"),
    path(f"{RELATIONSHIP}/accessAssignments", assignments.AssignmentList.as_view(), name="assignments"),
    path(f"{RELATIONSHIP}/accessAssignments/<str:assignment_id>", assignments.AssignmentItem.as_view(),
         name="assignment"),
    path(f"{RELATIONSHIP}/operations", assignments.OperationList.as_view(), name="operations"),
    path(f"{RELATIONSHIP}/operations/<str:operation_id>", assignments.OperationItem.as_view(), name="operation"),
    path("delegatedAdminCustomers", customers.CustomerList.as_view(), name="customers"),
    path("delegatedAdminCustomers/<str:customer_id>", customers.CustomerItem.as_view(), name="customer"),
    path("delegatedAdminCustomers/<str:customer_id>/serviceManagementDetails",
         customers.ServiceManagementList.as_view(), name="service_management"),
]
