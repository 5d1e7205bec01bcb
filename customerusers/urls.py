"""A customer's users, managed on its behalf (F13): list, add, edit, block sign-in, Reset password, delete.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path  # noqa: F401

app_name = "customerusers"

urlpatterns: list = []
