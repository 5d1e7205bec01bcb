from django.urls import path

from invitations.views import bulk, partner

app_name = "invitations"

urlpatterns = [
    path("request-relationship/", partner.request_relationship, name="create"),
    path("requests/", partner.request_list, name="list"),
    path("requests/bulk/", bulk.bulk_upload, name="bulk"),
    path("requests/bulk/<uuid:bulk_id>/", bulk.bulk_preview, name="bulk_preview"),
    path("requests/bulk/<uuid:bulk_id>/send/", bulk.bulk_send, name="bulk_send"),
    path("requests/<int:request_id>/draft/", partner.request_draft, name="draft"),
    path("requests/<int:request_id>/accepted/", partner.request_acceptances, name="acceptances"),
    path("requests/<int:request_id>/send/", partner.request_send, name="send"),
    path("requests/<int:request_id>/resend/", partner.request_resend, name="resend"),
    path("requests/<int:request_id>/revoke/", partner.request_revoke, name="revoke"),
]
