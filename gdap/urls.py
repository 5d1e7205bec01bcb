"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path

from gdap.views import bulk, customer, expiring

app_name = "gdap"

urlpatterns: list = [
    # Partner: a customer's admin relationships, requests, a relationship's assignments.
    # Admin center: approval of a granular admin relationship request, customer-side terminate.
    path("approval/<str:token>/", customer.approval_page, name="approval"),
    path("approval/<str:token>/approve/", customer.approval_approve, name="approval_approve"),
    path("approval/<str:token>/reject/", customer.approval_reject, name="approval_reject"),
    path("admin-center/relationships/<uuid:relationship_id>/approval/", customer.customer_approval,
         name="customer_approval"),
    path("admin-center/relationships/<uuid:relationship_id>/approval/approve/", customer.customer_approval_approve,
         name="customer_approval_approve"),
    path("admin-center/relationships/<uuid:relationship_id>/approval/reject/", customer.customer_approval_reject,
         name="customer_approval_reject"),
    path("admin-center/relationships/<uuid:relationship_id>/terminate/", customer.customer_terminate,
         name="customer_terminate"),
    path("admin-center/requests/<uuid:request_id>/", customer.customer_request, name="customer_request"),
    # Partner settings: security groups and role templates.
    # Partner: all admin relationships, bulk jobs, expiring relationships.
    path("relationships/", bulk.relationship_list, name="relationships"),
    path("relationships/bulk/", bulk.relationships_bulk, name="relationships_bulk"),
    path("bulk/request/", bulk.bulk_request, name="bulk_request"),
    path("expiring/", expiring.expiring_list, name="expiring"),
]
