from django.urls import path

from offers.models import OfferKind
from offers.views import partner

app_name = "offers"

urlpatterns = [
    path("trial-invitations/", partner.offer_list, {"offer_kind": OfferKind.TRIAL}, name="trial_list"),
    path("trial-invitations/new/", partner.trial_create, name="trial_create"),
    path("purchase-offers/", partner.offer_list, {"offer_kind": OfferKind.PURCHASE}, name="purchase_list"),
    path("purchase-offers/new/", partner.purchase_create, name="purchase_create"),
    path("delegated-administration-offers/", partner.offer_list, {"offer_kind": OfferKind.DAP}, name="dap_list"),
    path("delegated-administration-offers/new/", partner.dap_create, name="dap_create"),
    path("<int:offer_id>/", partner.offer_detail, name="detail"),
    path("<int:offer_id>/new-url/", partner.offer_new_url, name="new_url"),
    path("<int:offer_id>/deactivate/", partner.offer_deactivate, name="deactivate"),
]
