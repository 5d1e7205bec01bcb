from django.urls import path  # noqa: F401

app_name = "api_graph"

urlpatterns: list = [
    # delegatedAdminRelationships, requests, accessAssignments, operations, delegatedAdminCustomers
]
