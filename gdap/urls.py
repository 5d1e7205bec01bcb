"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path  # noqa: F401

from gdap.views import partner, partner_assignments

app_name = "gdap"

urlpatterns: list = [
    # Partner: a customer's admin relationships, requests, a relationship's assignments.
    path("customers/<uuid:customer_id>/", partner.customer_relationships, name="customer"),
    # "gdap:request" takes the customer, or none with ?from=<relationship id> (its customer); both read
    # ?from= and ?template=<role template id> to pre-fill.
    path("customers/<uuid:customer_id>/request/", partner.relationship_request, name="request"),
    path("request/", partner.relationship_request, name="request"),
    path("relationships/<uuid:relationship_id>/", partner.relationship_detail, name="relationship"),
    path("relationships/<uuid:relationship_id>/draft/", partner.relationship_draft, name="draft"),
    path("relationships/<uuid:relationship_id>/send/", partner.relationship_send, name="send"),
    path("relationships/<uuid:relationship_id>/edit/", partner.relationship_edit, name="edit"),
    path("relationships/<uuid:relationship_id>/remove-global-administrator/", partner.remove_global_admin,
         name="remove_global_admin"),
    path("relationships/<uuid:relationship_id>/terminate/", partner.relationship_terminate, name="terminate"),
    path("relationships/<uuid:relationship_id>/assignments/add/", partner_assignments.assignment_add,
         name="assignment_add"),
    path("assignments/<uuid:assignment_id>/edit/", partner_assignments.assignment_edit, name="assignment_edit"),
    path("assignments/<uuid:assignment_id>/remove/", partner_assignments.assignment_remove,
         name="assignment_remove"),
    # Admin center: approval of a granular admin relationship request, customer-side terminate.
    # Partner settings: security groups and role templates.
    # Partner: all admin relationships, bulk jobs, expiring relationships.
]
