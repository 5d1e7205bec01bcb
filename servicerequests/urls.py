"""Service requests (F13): the partner's pages (a customer's and the partner-wide list), the
Admin center's pages for the customer's Global admins, comments, attachments.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path  # noqa: F401

app_name = "servicerequests"

urlpatterns: list = []
