"""The rules of orders and subscriptions that more than one caller (the order page, the REST API) needs
to know, in one place; the callers word the answer their own way.

- An order has **one reseller of record** (Order.partner_of_record, copied to each subscription it
  buys): the order page has one field for it, and the API's line items must all name the same one.
- A subscription **renews automatically** at the end of each term (selectors.commitment_end_date) until
  it is cancelled; a trial does not renew (it ends, and a paid offer is bought instead).
"""

from __future__ import annotations

from collections.abc import Iterable

from subscriptions.models import Subscription, SubscriptionStatus


def order_reseller_of_record(named: Iterable[str | None]) -> str | None:
    """The one reseller of record the lines of an order name ("" for none, also when no line names
    one), or None when they name different ones (an order may not have two)."""
    chosen = {(value or "").strip() for value in named}
    if len(chosen) > 1:
        return None
    return chosen.pop() if chosen else ""


def renews_automatically(subscription: Subscription) -> bool:
    return subscription.status != SubscriptionStatus.CANCELLED and not subscription.offer.is_trial
