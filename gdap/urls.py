"""GDAP pages (namespace "gdap"), mounted at /gdap/ by partnercenter/urls.py. Each area's routes
follow its own comment line."""

from django.urls import path  # noqa: F401

from gdap.views import expiring

app_name = "gdap"

urlpatterns: list = [
    # Partner: a customer's admin relationships, requests, a relationship's assignments.
    # Admin center: approval of a granular admin relationship request, customer-side terminate.
    # Partner settings: security groups and role templates.
    # Partner: all admin relationships, bulk jobs, expiring relationships.
    path("expiring/", expiring.expiring_list, name="expiring"),
]
