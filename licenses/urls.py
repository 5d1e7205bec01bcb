"""Licenses (F13): a customer's subscriptions' seats assigned to its users, never beyond the purchased
quantity; the Admin center shows them read-only.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path

from licenses.views import admin_center, partner

app_name = "licenses"

_SUBSCRIPTION = "customers/<uuid:customer_id>/licenses/<uuid:subscription_id>/"

urlpatterns: list = [
    path("customers/<uuid:customer_id>/licenses/", partner.customer_licenses, name="customer"),
    path("customers/<uuid:customer_id>/licenses/users/<int:user_id>/", partner.user_licenses, name="user"),
    path(_SUBSCRIPTION, partner.subscription_licenses, name="subscription"),
    path(_SUBSCRIPTION + "assign/", partner.licenses_assign, name="assign"),
    path(_SUBSCRIPTION + "users/<int:user_id>/unassign/", partner.license_unassign, name="unassign"),
    path("admin-center/licenses/", admin_center.admin_center_licenses, name="admin_center"),
    path("admin-center/licenses/<uuid:subscription_id>/", admin_center.admin_center_subscription,
         name="admin_center_subscription"),
]
