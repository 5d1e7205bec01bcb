"""Licenses (F13): a customer's subscriptions' seats assigned to its users, never beyond the purchased
quantity; the Admin center shows them read-only.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path  # noqa: F401

app_name = "licenses"

urlpatterns: list = []
