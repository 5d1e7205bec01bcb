from django.urls import path

from customers import views, wizard

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, name="export"),
    path("add/", wizard.account_info, name="add"),
    path("add/subscriptions/", wizard.subscriptions_step, name="add_subscriptions"),
    path("add/review/", wizard.review, name="add_review"),
    path("add/cancel/", wizard.cancel, name="add_cancel"),
    path("<uuid:customer_id>/account/", views.customer_account, name="account"),
    path("<uuid:customer_id>/remove/", views.customer_remove, name="remove"),
    path("<uuid:customer_id>/row/", views.customer_row, name="row"),
]
