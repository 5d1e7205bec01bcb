"""Every kind of tokenised link: its model, the page its link opens, how long it is valid and the
activity kinds it writes (compare Zulip's confirmation/models.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from gdap.events import GdapEvents
from invitations.events import RequestEvents
from members.events import MemberInvitationEvents
from offers.events import OfferEvents
from resellers.events import PartnershipEvents


@dataclass(frozen=True)
class LinkKind:
    name: str
    model: str  # "app_label.ModelName"
    url_name: str  # reversed with the raw token as its one argument
    validity_setting: str  # the settings name holding the validity in days (read at issue time)
    created: str
    sent: str
    resent: str
    revoked: str
    expired: str

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def validity(self) -> timedelta:
        return timedelta(days=getattr(settings, self.validity_setting))


KINDS: dict[str, LinkKind] = {
    kind.name: kind
    for kind in (
        LinkKind(
            name="relationship_request", model="invitations.RelationshipRequest",
            url_name="partner_request", validity_setting="INVITATION_EXPIRY_DAYS",
            created=RequestEvents.REQUEST_CREATED, sent=RequestEvents.REQUEST_SENT,
            resent=RequestEvents.REQUEST_RESENT, revoked=RequestEvents.REQUEST_REVOKED,
            expired=RequestEvents.REQUEST_EXPIRED,
        ),
        LinkKind(
            name="partnership_request", model="resellers.PartnershipRequest",
            url_name="resellers:link", validity_setting="INVITATION_EXPIRY_DAYS",
            created=PartnershipEvents.PARTNERSHIP_REQUESTED, sent=PartnershipEvents.PARTNERSHIP_SENT,
            resent=PartnershipEvents.PARTNERSHIP_RESENT, revoked=PartnershipEvents.PARTNERSHIP_REVOKED,
            expired=PartnershipEvents.PARTNERSHIP_EXPIRED,
        ),
        LinkKind(
            name="gdap_approval", model="gdap.GdapApproval",
            url_name="gdap:approval", validity_setting="GDAP_APPROVAL_DAYS",
            created=GdapEvents.LINK_CREATED, sent=GdapEvents.LINK_SENT, resent=GdapEvents.LINK_RESENT,
            revoked=GdapEvents.LINK_REVOKED, expired=GdapEvents.LINK_EXPIRED,
        ),
        LinkKind(
            name="member_invitation", model="members.MemberInvitation",
            url_name="members:invitation", validity_setting="MEMBER_INVITATION_DAYS",
            created=MemberInvitationEvents.INVITATION_CREATED, sent=MemberInvitationEvents.INVITATION_SENT,
            resent=MemberInvitationEvents.INVITATION_RESENT, revoked=MemberInvitationEvents.INVITATION_REVOKED,
            expired=MemberInvitationEvents.INVITATION_EXPIRED,
        ),
        LinkKind(
            name="advisor_offer", model="offers.AdvisorOffer",
            url_name="advisor_offer", validity_setting="ADVISOR_OFFER_DAYS",
            created=OfferEvents.OFFER_CREATED, sent=OfferEvents.OFFER_SENT, resent=OfferEvents.OFFER_RESENT,
            revoked=OfferEvents.OFFER_DEACTIVATED, expired=OfferEvents.OFFER_EXPIRED,
        ),
    )
}


def link_path(kind: str, raw_token: str) -> str:
    """The path of the page a link opens."""
    return reverse(KINDS[kind].url_name, args=[raw_token])


def link_paths(kind: str, raw_tokens: list[str]) -> list[str]:
    """link_path() for many tokens (a bulk job's chunk), the URL reversed once: a token is URL-safe base64
    (links.tokens), so it stands in the path as it is and only it differs between the links."""
    marker = "T" * 43  # the shape of token_new()'s tokens
    before, after = reverse(KINDS[kind].url_name, args=[marker]).split(marker)
    return [f"{before}{raw}{after}" for raw in raw_tokens]
