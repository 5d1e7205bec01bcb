from django.contrib import admin
from django.urls import include, path

from customers.admin_center import views as admin_center_views
from invitations.views import acceptance as invitation_views
from offers.views import customer as offer_views
from partnercenter import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.language_set, name="language_set"),
    path("switch-tenant/", views.tenant_switch, name="tenant_switch"),
    path("accounts/", include("allauth.urls")),
    path("customers/", include("customers.urls")),
    path("customers/", include("invitations.urls")),
    path("", include("subscriptions.urls")),
    path("", include("resellers.urls")),
    path("gdap/", include("gdap.urls")),
    path("advisor-offers/", include("offers.urls")),
    path("users/", include("members.urls")),
    # Supporting customers (F13): each app writes its paths in full (customers/<id>/…, admin-center/…).
    path("", include("support.urls")),
    path("", include("servicerequests.urls")),
    path("", include("customerusers.urls")),
    path("", include("licenses.urls")),
    path("", include("directory.urls")),  # the public directory and the provider's Directory listing
    path("company-profile/", views.company_profile, name="company_profile"),
    path("company-profile/edit/", views.company_profile_edit, name="company_profile_edit"),
    path("company-profile/security/", views.company_security, name="company_security"),
    path("activity/", views.activity_log, name="activity_log"),
    path("jobs/", include("jobs.urls")),
    # Interfaces for programs: /oauth2/token/, /v1/ (REST), /v1.0/tenantRelationships/ (Graph GDAP),
    # the API access pages; webhooks (pages and /webhooks/v1/registration).
    path("", include("api.urls")),
    path("", include("webhooks.urls")),
    path("admin-center/", admin_center_views.admin_center_home, name="admin_center_home"),
    path("admin-center/partners/<uuid:partner_id>/remove-delegated-admin/", admin_center_views.dap_remove,
         name="admin_center_dap_remove"),
    path("admin-center/partners/<uuid:partner_id>/reassign-admin-permissions/", admin_center_views.dap_reassign,
         name="admin_center_dap_reassign"),
    path("admin-center/activity/", views.admin_center_activity, name="admin_center_activity"),
    path("admin-center/partner-request/<str:token>/", invitation_views.partner_request, name="partner_request"),
    path("admin-center/partner-request/<str:token>/accept/", invitation_views.partner_request_accept,
         name="partner_request_accept"),
    path("admin-center/partner-request/<str:token>/decline/", invitation_views.partner_request_decline,
         name="partner_request_decline"),
    path("admin-center/acceptances/<uuid:acceptance_id>/", invitation_views.acceptance_status,
         name="acceptance_status"),
    # Advisor offers (F12): the customer's page of an offer's URL, its "Accept" and the result.
    path("admin-center/offer/<str:token>/", offer_views.advisor_offer, name="advisor_offer"),
    path("admin-center/offer/<str:token>/accept/", offer_views.advisor_offer_accept, name="advisor_offer_accept"),
    path("admin-center/offer-acceptances/<uuid:acceptance_id>/", offer_views.offer_acceptance_status,
         name="offer_acceptance_status"),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<int:email_id>/", views.dev_outbox_detail, name="dev_outbox_detail"),
    path("django-admin/", admin.site.urls),
]

# Error pages in the layout (templates/400.html, 403.html, 404.html; 500.html is static).
handler500 = "partnercenter.error_views.server_error"
