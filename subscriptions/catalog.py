"""The starting offer catalog. The operator edits it in Django admin afterwards."""

from __future__ import annotations

from partnercenter.regions import EU_EFTA

WESTERN = [*EU_EFTA, "GB", "US", "CA"]

# sku, name, product, unit, min, max, trial, term, billing cycle, countries
OFFERS = [
    ("mail-basic", "Business Mail Basic", "Business Mail", "licenses", 1, 300, False, "P1M", "monthly", WESTERN),
    ("mail-standard", "Business Mail Standard", "Business Mail", "licenses", 1, 300, False, "P1Y", "monthly", WESTERN),
    ("office-apps", "Office Apps for Business", "Office Suite", "licenses", 1, 300, False, "P1Y", "annual", WESTERN),
    ("office-standard", "Office Suite Business Standard", "Office Suite", "licenses", 1, 300, False, "P1Y",
     "monthly", WESTERN),
    ("office-premium", "Office Suite Business Premium", "Office Suite", "licenses", 1, 300, False, "P1Y", "monthly",
     WESTERN),
    ("office-enterprise", "Office Suite Enterprise E3", "Office Suite", "licenses", 1, 10000, False, "P1Y", "annual",
     WESTERN),
    ("office-gov-g3", "Office Suite Government G3", "Office Suite", "licenses", 1, 10000, False, "P1Y", "annual",
     ["US"]),
    ("security-addon", "Endpoint Security Add-on", "Security", "devices", 1, 5000, False, "P1Y", "monthly", WESTERN),
    ("phone-addon", "Team Phone Add-on", "Collaboration", "licenses", 1, 1000, False, "P1M", "monthly", WESTERN),
    ("crm-sales", "CRM Sales Professional", "Business Applications", "licenses", 5, 1000, False, "P1Y", "monthly",
     WESTERN),
    ("compute-plan", "Cloud Compute Plan", "Cloud Infrastructure", "instances", 1, 100, False, "P1M", "monthly",
     [*WESTERN, "AU", "JP", "IN", "BR"]),
    ("backup-1tb", "Cloud Backup 1 TB", "Cloud Infrastructure", "storage", 1, 500, False, "P1M", "monthly", WESTERN),
    ("office-premium-trial", "Office Suite Business Premium Trial", "Office Suite", "licenses", 1, 25, True, "P1M",
     "none", WESTERN),
    ("security-trial", "Endpoint Security Trial", "Security", "devices", 1, 25, True, "P1M", "none", WESTERN),
    ("crm-trial", "CRM Sales Trial", "Business Applications", "licenses", 1, 25, True, "P1M", "none", WESTERN),
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
