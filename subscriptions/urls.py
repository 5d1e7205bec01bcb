from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("offers/", views.offer_catalog, name="offers"),
    path("subscriptions/export.csv", views.subscriptions_export_all, name="export_all"),
    path("customers/<uuid:customer_id>/agreement/", views.agreement_record, name="agreement"),
    path("customers/<uuid:customer_id>/subscriptions/", views.customer_subscriptions, name="customer"),
    path("customers/<uuid:customer_id>/subscriptions/add/", views.subscription_add, name="add"),
    path("customers/<uuid:customer_id>/subscriptions/export.csv", views.subscriptions_export_customer,
         name="export_customer"),
    path("customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/", views.subscription_detail,
         name="detail"),
    path("customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/cancel/", views.subscription_cancel,
         name="cancel"),
    path("customers/<uuid:customer_id>/orders/<uuid:order_id>/", views.order_detail, name="order"),
    path("admin-center/subscriptions/", views.admin_center_subscriptions, name="admin_center"),
]
