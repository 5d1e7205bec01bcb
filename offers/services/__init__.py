"""Advisor offers (F12), split by concern: issuing (partner side), accepting (customer side, the rules
of F4) and processing (the queued work). Callers use the names exported here."""

from offers.services.accepting import offer_accept, offer_blockers, offer_by_code, offer_dap_conflicts, offer_lines
from offers.services.issuing import (
    advisor_offer_create,
    advisor_offer_deactivate,
    advisor_offer_opened,
    advisor_offer_reissue,
)
from offers.services.processing import offer_acceptance_process

__all__ = [
    "advisor_offer_create",
    "advisor_offer_deactivate",
    "advisor_offer_opened",
    "advisor_offer_reissue",
    "offer_accept",
    "offer_acceptance_process",
    "offer_blockers",
    "offer_by_code",
    "offer_dap_conflicts",
    "offer_lines",
]
