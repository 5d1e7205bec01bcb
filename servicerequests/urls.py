"""Service requests (F13): the partner's pages (a customer's and the partner-wide list), the
Admin center's pages for the customer's Global admins, comments, attachments.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path

from servicerequests.views import customer, partner

app_name = "servicerequests"

_ONE = "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/"

urlpatterns: list = [
    # The partner-wide list and its CSV export (the current filter).
    path("service-requests/", partner.request_list, name="list"),
    path("service-requests/export.csv", partner.request_export, name="export"),
    # One customer's requests, on its behalf (support.onbehalf guard).
    path("customers/<uuid:customer_id>/service-requests/", partner.customer_requests, name="customer"),
    path("customers/<uuid:customer_id>/service-requests/new/", partner.request_new, name="new"),
    path(_ONE, partner.request_detail, name="detail"),
    path(_ONE + "status/", partner.request_status, name="status"),
    path(_ONE + "assignee/", partner.request_assignee, name="assignee"),
    path(_ONE + "comments/", partner.request_comment, name="comment"),
    path(_ONE + "attachments/<uuid:attachment_id>/", partner.attachment_download, name="download"),
    # Admin center (customer side).
    path("admin-center/service-requests/", customer.admin_list, name="admin_center"),
    path("admin-center/service-requests/<uuid:request_id>/", customer.admin_detail, name="admin_center_detail"),
    path("admin-center/service-requests/<uuid:request_id>/attachments/<uuid:attachment_id>/",
         customer.admin_download, name="admin_center_download"),
]
