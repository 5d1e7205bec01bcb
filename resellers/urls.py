from django.urls import path

from resellers import views

app_name = "resellers"

urlpatterns = [
    path("resellers/", views.reseller_list, name="list"),
    path("resellers/request-partnership/", views.partnership_request_new, name="request"),
    path("resellers/requests/<int:request_id>/draft/", views.partnership_request_draft, name="draft"),
    path("resellers/requests/<int:request_id>/send/", views.partnership_request_send, name="send"),
    path("resellers/requests/<int:request_id>/resend/", views.partnership_request_resend, name="resend"),
    path("resellers/requests/<int:request_id>/revoke/", views.partnership_request_revoke, name="revoke"),
    path("resellers/requests/<int:request_id>/answer/", views.partnership_ask_answer, name="ask_answer"),
    path("resellers/<uuid:reseller_id>/remove/", views.reseller_remove, name="remove"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/invite/", views.invite_customers, name="invite"),
    path("providers/requests/<int:request_id>/accept/", views.provider_request_answer, {"answer": "accept"},
         name="accept"),
    path("providers/requests/<int:request_id>/decline/", views.provider_request_answer, {"answer": "decline"},
         name="decline"),
    path("providers/<uuid:provider_id>/remove/", views.provider_remove, name="provider_remove"),
    path("partnerships/<str:token>/", views.partnership_link, name="link"),
]
