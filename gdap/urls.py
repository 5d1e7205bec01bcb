"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path

from gdap.views import bulk, customer, expiring
from gdap.views import settings as settings_views

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
