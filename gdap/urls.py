"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path  # noqa: F401

from gdap.views import settings as settings_views

app_name = "gdap"

urlpatterns: list = [
    # Partner: a customer's admin relationships, requests, a relationship's assignments.
    # Admin center: approval of a granular admin relationship request, customer-side terminate.
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
]
