from django.urls import path  # noqa: F401

app_name = "api_rest"

urlpatterns: list = [
    # customers and relationships (api.rest.customers, api.rest.relationships)
    # subscriptions and orders (api.rest.subscriptions, api.rest.orders)
    # the OpenAPI document and its reference page (api.rest.schema)
]
