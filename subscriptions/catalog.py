"""The starting offer catalog. The operator edits it in Django admin afterwards."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from partnercenter.regions import EU_EFTA

WESTERN = [*EU_EFTA, "GB", "US", "CA"]

# sku, name, product, unit, min, max, trial, term, billing cycle, countries. Names and products are
# stored in English (gettext_noop only marks them for the catalog); pages translate them when they show them
# (Offer.display_name, Offer.display_product), so an operator's own names show as entered.
OFFERS = [
    ("mail-basic", gettext_noop("Business Mail Basic"), gettext_noop("Business Mail"), "licenses", 1, 300, False, "P1M", "monthly", WESTERN),
    ("mail-standard", gettext_noop("Business Mail Standard"), gettext_noop("Business Mail"), "licenses", 1, 300, False, "P1Y", "monthly", WESTERN),
    ("office-apps", gettext_noop("Office Apps for Business"), gettext_noop("Office Suite"), "licenses", 1, 300, False, "P1Y", "annual", WESTERN),
    ("office-standard", gettext_noop("Office Suite Business Standard"), gettext_noop("Office Suite"), "licenses", 1, 300, False, "P1Y",
     "monthly", WESTERN),
    ("office-premium", gettext_noop("Office Suite Business Premium"), gettext_noop("Office Suite"), "licenses", 1, 300, False, "P1Y", "monthly",
     WESTERN),
    ("office-enterprise", gettext_noop("Office Suite Enterprise E3"), gettext_noop("Office Suite"), "licenses", 1, 10000, False, "P1Y", "annual",
     WESTERN),
    ("office-gov-g3", gettext_noop("Office Suite Government G3"), gettext_noop("Office Suite"), "licenses", 1, 10000, False, "P1Y", "annual",
     ["US"]),
    ("security-addon", gettext_noop("Endpoint Security Add-on"), gettext_noop("Security"), "devices", 1, 5000, False, "P1Y", "monthly", WESTERN),
    ("phone-addon", gettext_noop("Team Phone Add-on"), gettext_noop("Collaboration"), "licenses", 1, 1000, False, "P1M", "monthly", WESTERN),
    ("crm-sales", gettext_noop("CRM Sales Professional"), gettext_noop("Business Applications"), "licenses", 5, 1000, False, "P1Y", "monthly",
     WESTERN),
    ("compute-plan", gettext_noop("Cloud Compute Plan"), gettext_noop("Cloud Infrastructure"), "instances", 1, 100, False, "P1M", "monthly",
     [*WESTERN, "AU", "JP", "IN", "BR"]),
    ("backup-1tb", gettext_noop("Cloud Backup 1 TB"), gettext_noop("Cloud Infrastructure"), "storage", 1, 500, False, "P1M", "monthly", WESTERN),
    ("office-premium-trial", gettext_noop("Office Suite Business Premium Trial"), gettext_noop("Office Suite"), "licenses", 1, 25, True, "P1M",
     "none", WESTERN),
    ("security-trial", gettext_noop("Endpoint Security Trial"), gettext_noop("Security"), "devices", 1, 25, True, "P1M", "none", WESTERN),
    ("crm-trial", gettext_noop("CRM Sales Trial"), gettext_noop("Business Applications"), "licenses", 1, 25, True, "P1M", "none", WESTERN),
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
