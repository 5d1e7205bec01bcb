from django.urls import path

from invitations import views

app_name = "invitations"

urlpatterns = [
    path("request-relationship/", views.request_relationship, name="create"),
    path("requests/", views.request_list, name="list"),
    path("requests/<int:request_id>/draft/", views.request_draft, name="draft"),
    path("requests/<int:request_id>/accepted/", views.request_acceptances, name="acceptances"),
    path("requests/<int:request_id>/send/", views.request_send, name="send"),
    path("requests/<int:request_id>/resend/", views.request_resend, name="resend"),
    path("requests/<int:request_id>/revoke/", views.request_revoke, name="revoke"),
]
