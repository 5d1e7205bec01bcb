"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path

from gdap.views import bulk, customer, expiring, partner, partner_assignments
from gdap.views import settings as settings_views

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
    path("security-groups/", settings_views.group_list, name="group_list"),
    path("security-groups/new/", settings_views.group_new, name="group_new"),
    path("security-groups/<uuid:group_id>/", settings_views.group_detail, name="group_detail"),
    path("security-groups/<uuid:group_id>/edit/", settings_views.group_edit, name="group_edit"),
    path("security-groups/<uuid:group_id>/delete/", settings_views.group_delete, name="group_delete"),
    path("security-groups/<uuid:group_id>/members/add/", settings_views.group_member_add, name="group_member_add"),
    path("security-groups/<uuid:group_id>/members/<int:user_id>/remove/", settings_views.group_member_remove,
         name="group_member_remove"),
    path("role-templates/", settings_views.template_list, name="template_list"),
    path("role-templates/new/", settings_views.template_new, name="template_new"),
    path("role-templates/<uuid:template_id>/", settings_views.template_detail, name="template_detail"),
    path("role-templates/<uuid:template_id>/edit/", settings_views.template_edit, name="template_edit"),
    path("role-templates/<uuid:template_id>/delete/", settings_views.template_delete, name="template_delete"),
    # Partner: all admin relationships, bulk jobs, expiring relationships.
    path("relationships/", bulk.relationship_list, name="relationships"),
    path("relationships/bulk/", bulk.relationships_bulk, name="relationships_bulk"),
    path("bulk/request/", bulk.bulk_request, name="bulk_request"),
    path("expiring/", expiring.expiring_list, name="expiring"),
]
