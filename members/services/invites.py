"""Inviting partner users (F11): Invite user, resend, revoke, and the invitee's acceptance. The link is
a links kind (members.MemberInvitation); only the invited address, verified, can accept it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from invitations.errors import PendingRequestExists
from links import services as lifecycle
from links.kinds import link_path
from links.models import LinkStatus
from links.selectors import verified_email_matches
from members.events import MemberInvitationEvents
from members.models import MemberInvitation
from members.rules import roles_grantable
from partnercenter.errors import Code, Conflict, DomainError, Expired, Forbidden, Invalid, NotFound
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import PARTNER_ROLES, Perm, Role
from partnercenter.selectors import permissions_of
from partnercenter.services import outbox_email_create

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def invitation_url(raw_token: str) -> str:
    return f"{settings.SITE_URL}{link_path(MemberInvitation.kind, raw_token)}"


def _require_inviter(actor: User, tenant: Tenant) -> None:
    if Perm.USERS_INVITE not in permissions_of(user=actor, tenant=tenant):
        raise Forbidden(_("Your role does not allow this."))


def _roles_checked(actor: User, tenant: Tenant, roles: list[str]) -> list[str]:
    wanted = [role for role in Role.values if role in set(roles)]  # the table's order, no duplicates
    if not wanted:
        raise Invalid(_("Choose at least one role."), field="roles")
    if set(roles) - set(PARTNER_ROLES):
        raise Invalid(_("Choose partner roles only."), field="roles")
    above = [role for role in wanted if role not in roles_grantable(actor, tenant)]
    if above:
        raise Forbidden(_("You cannot grant the role %(role)s: your own roles don't include it."),
                        params={"role": Role(above[0]).label}, field="roles")
    return wanted


def _mail(invitation: MemberInvitation, *, raw_token: str, actor: User) -> None:
    """Mail the (locked, pending) invitation in its language through the outbox and note it as sent."""
    outbox_email_create(
        to_email=invitation.email, template="member_invitation", language=invitation.language,
        tenant=invitation.tenant, reply_to=actor.email,
        context={"invitation": invitation, "tenant": invitation.tenant, "inviter": actor,
                 "roles": ", ".join(invitation.role_labels()), "url": invitation_url(raw_token),
                 "expires_at": invitation.expires_at},
    )
    lifecycle.link_sent(invitation, actor=actor, to=invitation.email)


def invite_create(
    *, tenant: Tenant, actor: User, email: str, name: str, roles: list[str], language: str, reissue: bool = False,
) -> tuple[MemberInvitation, str]:
    """Invite one address with the given roles and mail the link. One pending invitation per address:
    when one exists, PendingRequestExists says so, and only `reissue=True` (the inviter confirmed) gives
    it a new link with these details (the link mailed before stops working). Returns it and the raw token."""
    _require_inviter(actor, tenant)
    address = lifecycle.email_checked(email, field="email")
    if not address:
        raise Invalid(_("Enter the email address of the person to invite."), field="email")
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Enter the name of the person to invite."), field="name")
    if len(name) > 150:
        raise Invalid(_("Enter at most %(limit)s characters."), params={"limit": 150}, field="name")
    wanted = _roles_checked(actor, tenant, roles)
    if language not in LANGUAGES:
        raise Invalid(_("Choose the language of the invitation email."), field="language")
    if Membership.objects.filter(tenant=tenant, user__email__iexact=address, is_active=True).exists():
        raise Conflict(_("%(email)s is a user of your organisation already."), params={"email": address},
                       field="email")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                existing = MemberInvitation.objects.select_for_update().filter(
                    tenant=tenant, email=address, status=LinkStatus.PENDING
                ).first()
                if existing is not None and not reissue and existing.effective_status == LinkStatus.PENDING:
                    raise PendingRequestExists(
                        _("An invitation to %(email)s is pending already."), params={"email": address},
                        existing=existing, field="email",
                    )
                if existing is not None:
                    existing.name, existing.roles, existing.language = name, wanted, language
                    raw = lifecycle.link_reissue_logged(existing, actor=actor)
                    invitation = existing
                else:
                    invitation, raw = lifecycle.link_issue(
                        MemberInvitation, actor=actor, log={"to": address},
                        tenant=tenant, email=address, name=name, roles=wanted, language=language,
                    )
                _mail(invitation, raw_token=raw, actor=actor)
                return invitation, raw
        except IntegrityError:
            continue
    raise Conflict(_("Please try again."), code=Code.BUSY)


def invite_resend(*, invitation: MemberInvitation, actor: User) -> str:
    """A new link for the same invitation, mailed again; the old link stops working."""
    _require_inviter(actor, invitation.tenant)

    def check(locked: MemberInvitation) -> None:
        _roles_checked(actor, locked.tenant, locked.roles)

    try:
        with transaction.atomic():
            raw = lifecycle.link_resend(invitation, actor=actor, check=check)
            _mail(invitation, raw_token=raw, actor=actor)
    except IntegrityError:
        raise Conflict(_("Another pending invitation to this address exists already."),
                       code=Code.PENDING_EXISTS) from None
    return raw


def invite_revoke(*, invitation: MemberInvitation, actor: User) -> None:
    _require_inviter(actor, invitation.tenant)
    lifecycle.link_revoke(invitation, actor=actor)


# --- The invitee ---------------------------------------------------------------------------------


def invite_closed_reason(invitation: MemberInvitation) -> str:
    """Why the link no longer works, worded for its page ("" while it is pending)."""
    status = invitation.effective_status
    if status == LinkStatus.EXPIRED:
        return str(_("This invitation has expired. Ask %(name)s for a new one.") % {"name": invitation.tenant.name})
    if status == LinkStatus.REVOKED:
        return str(_("This invitation was withdrawn by %(name)s.") % {"name": invitation.tenant.name})
    if status in (LinkStatus.ACCEPTED, LinkStatus.DECLINED):
        return str(_("This invitation has been used already. Sign in to open %(name)s.")
                   % {"name": invitation.tenant.name})
    return ""


def invite_refusal_error(*, invitation: MemberInvitation, user: User | None) -> DomainError | None:
    """Why this signed-in person cannot accept (None when they can): only the invited address, verified."""
    if not verified_email_matches(user=user, address=invitation.email):
        return Forbidden(_("This invitation was sent to %(email)s. Sign out and sign in with that address to "
                           "accept it."), params={"email": invitation.email})
    return None


def invite_account_exists(invitation: MemberInvitation) -> bool:
    return User.objects.filter(email__iexact=invitation.email).exists()


def invite_accept(*, raw_token: str, user: User, ip: str | None = None) -> MemberInvitation:
    """Join the organisation with the invited roles (an existing account joins it too). Idempotent for
    the person who accepted; anyone else, or a closed link, is refused."""
    with transaction.atomic():
        invitation = lifecycle.link_by_token(MemberInvitation, raw_token, lock=True)
        if invitation is None or invitation.status == LinkStatus.REVOKED:
            raise NotFound(_("This invitation was withdrawn."))
        if invitation.status == LinkStatus.ACCEPTED:
            if invitation.accepted_user_id == user.pk:
                return invitation
            raise Conflict(_("This invitation has been used already."), code=Code.ALREADY_ACCEPTED)
        if invitation.effective_status != LinkStatus.PENDING:
            raise Expired(_("This invitation has expired. Ask for a new one."))
        problem = invite_refusal_error(invitation=invitation, user=user)
        if problem is not None:
            raise problem
        tenant = Tenant.objects.get(pk=invitation.tenant_id)
        for role in invitation.roles:
            membership, created = Membership.objects.get_or_create(user=user, tenant=tenant, role=role)
            if not created and not membership.is_active:
                membership.is_active = True
                membership.save(update_fields=["is_active"])
        invitation.accepted_user = user
        lifecycle.link_answer(invitation, status=LinkStatus.ACCEPTED, actor=user, fields=("accepted_user",))
        labels = ", ".join(invitation.role_labels())
        event_record(tenant=tenant, kind=MemberInvitationEvents.INVITATION_ACCEPTED, actor=user, ip=ip,
                     data={"last4": invitation.token_last4, "to": invitation.email, "roles": labels,
                           "role_values": list(invitation.roles)})
        inviter = invitation.sent_by or invitation.created_by
        if inviter is not None and inviter.is_active:
            outbox_email_create(
                to_email=inviter.email, template="member_invitation_accepted",
                language=inviter.language or settings.LANGUAGE_CODE, tenant=tenant,
                dedupe_key=f"member_invitation_accepted:{invitation.pk}",
                context={"invitation": invitation, "tenant": tenant, "user": user, "roles": labels,
                         "users_url": f"{settings.SITE_URL}/users/"},
            )
        return invitation


def invite_signup(*, raw_token: str, password: str, ip: str | None = None) -> tuple[User, MemberInvitation]:
    """Create the invited address's account with a password (the password validators apply) and accept:
    opening the mailed link proves the address, so it is stored verified."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = lifecycle.link_by_token(MemberInvitation, raw_token, lock=True)
        if invitation is None or invitation.effective_status != LinkStatus.PENDING:
            raise NotFound(_("This invitation is no longer valid."))
        if invite_account_exists(invitation):
            raise Conflict(_("An account with this address exists already. Sign in to accept."), field="password")
        candidate = User(email=invitation.email, first_name=invitation.name[:150])
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise Invalid(" ".join(exc.messages), field="password") from None
        user = User.objects.create_user(email=invitation.email, password=password,
                                        first_name=invitation.name[:150], language=invitation.language)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user, invite_accept(raw_token=raw_token, user=user, ip=ip)
