"""The starting offer catalog. The operator edits it in Django admin afterwards."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from partnercenter.regions import EU_EFTA

WESTERN = [*EU_EFTA, "GB", "US", "CA"]

# sku, name, product, unit, min, max, trial, term, billing cycle, countries. Names and products are
# stored in English (N_ only marks them for the catalog); pages translate them when they show them
# (Offer.display_name, Offer.display_product), so an operator's own names show as entered.
OFFERS = [
    ("mail-basic", N_("Business Mail Basic"), N_("Business Mail"), "licenses", 1, 300, False, "P1M", "monthly", WESTERN),
    ("mail-standard", N_("Business Mail Standard"), N_("Business Mail"), "licenses", 1, 300, False, "P1Y", "monthly", WESTERN),
    ("office-apps", N_("Office Apps for Business"), N_("Office Suite"), "licenses", 1, 300, False, "P1Y", "annual", WESTERN),
    ("office-standard", N_("Office Suite Business Standard"), N_("Office Suite"), "licenses", 1, 300, False, "P1Y",
     "monthly", WESTERN),
    ("office-premium", N_("Office Suite Business Premium"), N_("Office Suite"), "licenses", 1, 300, False, "P1Y", "monthly",
     WESTERN),
    ("office-enterprise", N_("Office Suite Enterprise E3"), N_("Office Suite"), "licenses", 1, 10000, False, "P1Y", "annual",
     WESTERN),
    ("office-gov-g3", N_("Office Suite Government G3"), N_("Office Suite"), "licenses", 1, 10000, False, "P1Y", "annual",
     ["US"]),
    ("security-addon", N_("Endpoint Security Add-on"), N_("Security"), "devices", 1, 5000, False, "P1Y", "monthly", WESTERN),
    ("phone-addon", N_("Team Phone Add-on"), N_("Collaboration"), "licenses", 1, 1000, False, "P1M", "monthly", WESTERN),
    ("crm-sales", N_("CRM Sales Professional"), N_("Business Applications"), "licenses", 5, 1000, False, "P1Y", "monthly",
     WESTERN),
    ("compute-plan", N_("Cloud Compute Plan"), N_("Cloud Infrastructure"), "instances", 1, 100, False, "P1M", "monthly",
     [*WESTERN, "AU", "JP", "IN", "BR"]),
    ("backup-1tb", N_("Cloud Backup 1 TB"), N_("Cloud Infrastructure"), "storage", 1, 500, False, "P1M", "monthly", WESTERN),
    ("office-premium-trial", N_("Office Suite Business Premium Trial"), N_("Office Suite"), "licenses", 1, 25, True, "P1M",
     "none", WESTERN),
    ("security-trial", N_("Endpoint Security Trial"), N_("Security"), "devices", 1, 25, True, "P1M", "none", WESTERN),
    ("crm-trial", N_("CRM Sales Trial"), N_("Business Applications"), "licenses", 1, 25, True, "P1M", "none", WESTERN),
]


def offers_seed(offer_model) -> None:  # noqa: ANN001
    """Idempotent; takes the model so a migration can pass its historical one."""
    for sku, name, product, unit, low, high, trial, term, cycle, countries in OFFERS:
        offer_model.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name, "product": product, "unit_type": unit, "min_quantity": low, "max_quantity": high,
                "is_trial": trial, "term": term, "billing_cycle": cycle, "countries": list(countries),
            },
        )
