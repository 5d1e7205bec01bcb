"""Supporting a customer on its behalf (F13): Service management, and the on-behalf guard
(support/onbehalf.py) every on-behalf page uses.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path

from support import views

app_name = "support"

urlpatterns: list = [
    path("customers/<uuid:customer_id>/services/", views.services, name="services"),
]
