"""A customer's users, managed on its behalf (F13): list, add, edit, block sign-in, Reset password, delete.

Mounted at the site root by partnercenter/urls.py; each path is written in full here."""

from django.urls import path

from customerusers import views

app_name = "customerusers"

_USER = "customers/<uuid:customer_id>/users/<int:user_id>/"

urlpatterns: list = [
    path("customers/<uuid:customer_id>/users/", views.user_list, name="list"),
    path("customers/<uuid:customer_id>/users/add/", views.user_add, name="add"),
    path(_USER, views.user_detail, name="detail"),
    path(_USER + "block/", views.user_block, name="block"),
    path(_USER + "unblock/", views.user_unblock, name="unblock"),
    path(_USER + "reset-password/", views.user_password_reset, name="reset_password"),
    path(_USER + "delete/", views.user_delete, name="delete"),
]
