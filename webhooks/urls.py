"""The Webhooks pages (under API access) and Partner Center's registration API (/webhooks/v1/)."""

from django.urls import path, re_path

from api import fallback
from webhooks import api, views

app_name = "webhooks"

urlpatterns: list = [
    path("api-access/webhooks/", views.registrations, name="registrations"),
    path("api-access/webhooks/new/", views.registration_new, name="registration_new"),
    path("api-access/webhooks/<uuid:registration_id>/", views.registration_detail, name="registration"),
    path("api-access/webhooks/<uuid:registration_id>/edit/", views.registration_edit, name="registration_edit"),
    path("api-access/webhooks/<uuid:registration_id>/rotate/", views.registration_rotate, name="registration_rotate"),
    path("api-access/webhooks/<uuid:registration_id>/test/", views.registration_test, name="registration_test"),
    path("api-access/webhooks/<uuid:registration_id>/disable/", views.registration_disable,
         name="registration_disable"),
    path("api-access/webhooks/<uuid:registration_id>/enable/", views.registration_enable, name="registration_enable"),
    path("api-access/webhooks/<uuid:registration_id>/delete/", views.registration_delete, name="registration_delete"),
    path("api-access/webhooks/<uuid:registration_id>/events/<int:event_id>/redeliver/", views.event_redeliver,
         name="event_redeliver"),
    path("webhooks/v1/registration", api.RegistrationView.as_view(), name="api_registration"),
    path("webhooks/v1/registration/events", api.EventNamesView.as_view(), name="api_events"),
    path("webhooks/v1/registration/validationEvents", api.ValidationEventsView.as_view(), name="api_validation"),
    path("webhooks/v1/registration/validationEvents/<uuid:correlation_id>", api.ValidationEventView.as_view(),
         name="api_validation_event"),
    re_path(r"^webhooks/v1/", fallback.rest_not_found),
]
