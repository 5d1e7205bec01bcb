"""Relationship requests (F2, F3) and their acceptance in the Admin center (F4), split by concern:
issuing (partner side), checks (the rules an answer meets), answering (customer side) and processing
(the queued work). Reads are in invitations.selectors; the link lifecycle itself is links.services.
Callers use the names exported here."""

from invitations.selectors import (
    acceptance_for_customer,
    is_rightful_customer,
    link_visible,
    request_by_token,
    request_for_partner,
    user_email_matches,
)
from invitations.services.answering import invitation_accept, invitation_decline
from invitations.services.checks import Blocker, acceptance_actor_check, acceptance_blockers, dap_conflicts
from invitations.services.issuing import (
    acceptance_path,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_send,
)
from invitations.services.processing import acceptance_process, acceptances_drain, acceptances_sweep, notify_partner

__all__ = [
    "Blocker",
    "acceptance_actor_check",
    "acceptance_blockers",
    "acceptance_for_customer",
    "acceptance_path",
    "acceptance_process",
    "acceptances_drain",
    "acceptances_sweep",
    "dap_conflicts",
    "invitation_accept",
    "invitation_create",
    "invitation_decline",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "is_rightful_customer",
    "link_visible",
    "notify_partner",
    "request_by_token",
    "request_for_partner",
    "user_email_matches",
]
