from django.urls import path  # noqa: F401

from api.rest import customers, orders, relationships, schema, subscriptions

app_name = "api_rest"

urlpatterns: list = [
    # customers and relationships (api.rest.customers, api.rest.relationships)
    path("customers", customers.CustomerCollectionView.as_view(), name="customers"),
    path("customers/relationshiprequests", relationships.RelationshipRequestView.as_view(),
         name="relationship_requests"),
    path("customers/<str:customer_id>", customers.CustomerView.as_view(), name="customer"),
    path("relationships", relationships.RelationshipsView.as_view(), name="relationships"),
    # subscriptions and orders (api.rest.subscriptions, api.rest.orders)
    path("customers/<uuid:customer_id>/subscriptions", subscriptions.SubscriptionListView.as_view(),
         name="subscriptions"),
    path("customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>", subscriptions.SubscriptionView.as_view(),
         name="subscription"),
    path("customers/<uuid:customer_id>/orders", orders.OrderListView.as_view(), name="orders"),
    path("customers/<uuid:customer_id>/orders/<uuid:order_id>", orders.OrderView.as_view(), name="order"),
    # the OpenAPI document and its reference page (api.rest.schema)
    path("openapi.json", schema.OpenApiDocumentView.as_view(), name="openapi"),
    path("reference/", schema.ReferenceView.as_view(), name="reference"),
]
