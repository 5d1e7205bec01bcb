from django.urls import path  # noqa: F401

from api.rest import customers, relationships

app_name = "api_rest"

urlpatterns: list = [
    # customers and relationships (api.rest.customers, api.rest.relationships)
    path("customers", customers.CustomerCollectionView.as_view(), name="customers"),
    path("customers/relationshiprequests", relationships.RelationshipRequestView.as_view(),
         name="relationship_requests"),
    path("customers/<str:customer_id>", customers.CustomerView.as_view(), name="customer"),
    path("relationships", relationships.RelationshipsView.as_view(), name="relationships"),
    # subscriptions and orders (api.rest.subscriptions, api.rest.orders)
    # the OpenAPI document and its reference page (api.rest.schema)
]
