"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path

from gdap.views import bulk, expiring

app_name = "gdap"

urlpatterns: list = [
    # Partner: a customer's admin relationships, requests, a relationship's assignments.
    # Admin center: approval of a granular admin relationship request, customer-side terminate.
    # Partner settings: security groups and role templates.
    # Partner: all admin relationships, bulk jobs, expiring relationships.
    path("relationships/", bulk.relationship_list, name="relationships"),
    path("relationships/bulk/", bulk.relationships_bulk, name="relationships_bulk"),
    path("bulk/request/", bulk.bulk_request, name="bulk_request"),
    path("expiring/", expiring.expiring_list, name="expiring"),
]
