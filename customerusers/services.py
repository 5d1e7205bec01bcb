"""Changing a customer's users on its behalf (F13): Add user, Edit, Block / Unblock sign-in, Reset password,
Delete. Each service checks the actor's role (partnercenter.roles.Perm), that the customer is the partner's,
and the partner's admin permissions for it (gdap.access.may) itself — the later API calls the same functions —
and writes its activity entries (partner's and customer's log) and mail in its one transaction.

A customer user is one Membership in the customer tenant; license assignments hang on it (on_delete CASCADE),
so a role change updates that row in place and only Delete removes it. "Sign-in blocked" is that membership
inactive (the tenancy reads active memberships only) and, for an account that belongs to this customer only,
the account inactive too: it cannot sign in at all, and its sessions end at the next request (Django's
authentication backends refuse inactive users). A password reset changes the password hash, which ends every
session of the user (Django's session verification). Temporary passwords exist only in the returned value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from customers.selectors import customer_for_partner
from customerusers import rules, selectors
from customerusers.events import CustomerUserEvents
from gdap import access
from partnercenter.errors import Conflict, Forbidden, Invalid, NotFound
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Perm, Role
from partnercenter.selectors import permissions_of
from partnercenter.services import outbox_email_create

NAME_MAX = 150  # User.first_name / last_name


@dataclass(frozen=True)
class Issued:
    """A user with a new temporary password: shown once on the result page, only its hash is stored."""

    user: User
    temporary_password: str

    def __repr__(self) -> str:  # never in a log or a traceback's locals
        return f"Issued(user={self.user.email!r}, temporary_password='…')"


def authorise(*, partner: Tenant, customer: Tenant, actor: User, perm: str, action: str) -> None:
    """The actor's role has `perm`, the customer is the partner's (else NotFound) and the partner's admin
    permissions for it allow `action` for this actor now."""
    if perm not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))
    customer_for_partner(partner=partner, customer_id=customer.pk)
    if not access.may(actor, partner, customer, action):
        raise Forbidden(_("Your organisation's admin permissions for this customer don't allow this."))


def may_reset_password_of(*, partner: Tenant, customer: Tenant, actor: User, row: selectors.CustomerUserRow) -> bool:
    """Limited administration (seed 001: like a password administrator) resets the passwords of users, not of
    Global admins: that needs full administration (managing the customer's users) too. Never for an account
    that belongs to another organisation as well: its password is that organisation's too."""
    if selectors.has_other_tenants(user=row.user, customer=customer):
        return False
    if not row.is_global_admin:
        return True
    return (Perm.CUSTOMER_USERS_MANAGE in permissions_of(user=actor, tenant=partner)
            and bool(access.may(actor, partner, customer, access.USERS_MANAGE)))


def _names(first_name: str, last_name: str) -> tuple[str, str]:
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first:
        raise Invalid(_("Enter the first name."), field="first_name")
    for field, value in (("first_name", first), ("last_name", last)):
        if len(value) > NAME_MAX:
            raise Invalid(_("At most %(max)s characters."), field=field, params={"max": NAME_MAX})
    return first, last


def _label(role: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(Role(role).label)


def _record(*, partner: Tenant, customer: Tenant, actor: User, kind: str, user: User, ip: str | None,
            **extra: Any) -> None:
    data = {"email": user.email, "user_id": user.pk, "customer": customer.name, "customer_id": str(customer.pk),
            **extra}
    for tenant in (partner, customer):
        event_record(tenant=tenant, kind=kind, actor=actor, customer=customer, data=data, ip=ip)


def _mail(user: User, template: str, *, partner: Tenant, customer: Tenant, **context: Any) -> None:
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    outbox_email_create(to_email=user.email, template=f"customerusers/{template}", language=language,
                        tenant=customer, context={"recipient": user, "partner": partner, "customer": customer,
                                                  "sign_in_url": f"{settings.SITE_URL}/accounts/login/", **context})


def _notify_global_admins(template: str, *, partner: Tenant, customer: Tenant, subject: User) -> None:
    for admin in selectors.global_admins(customer=customer, exclude_user_id=subject.pk):
        _mail(admin, template, partner=partner, customer=customer, subject=subject)


def _lock(customer: Tenant, user_id: object, *, tenant_too: bool = True) -> tuple[User, list[Membership]]:
    """Lock the customer (one change of its users at a time, so the Global admin count holds) and the user's
    memberships in it; another tenant's user is NotFound."""
    if tenant_too:
        Tenant.objects.select_for_update().get(pk=customer.pk)
    memberships = list(Membership.objects.select_for_update().filter(tenant=customer, user_id=user_id,
                                                                     role__in=list(rules.ROLES))
                       .select_related("user").order_by("pk"))
    if not memberships:
        raise NotFound(selectors.not_found_message())
    return memberships[0].user, memberships


def _active(user: User, memberships: list[Membership]) -> bool:
    return user.is_active and any(m.is_active for m in memberships)


@sensitive_variables("password")
def customer_user_add(*, partner: Tenant, customer: Tenant, actor: User, first_name: str, last_name: str,
                      user_name: str, domain: str, role: str, ip: str | None = None) -> Issued:
    """A new account in the customer's domain with a temporary password it must change at first sign-in."""
    authorise(partner=partner, customer=customer, actor=actor, perm=Perm.CUSTOMER_USERS_MANAGE,
              action=access.USERS_MANAGE)
    first, last = _names(first_name, last_name)
    address = rules.user_name_address(user_name=user_name, domain=domain,
                                      allowed=selectors.customer_domains(customer=customer))
    rules.check_role(role)
    taken = Conflict(_("This user name is taken already. Choose another one."), field="user_name")
    if selectors.address_taken(address=address):
        raise taken
    password = rules.temporary_password()
    try:
        with transaction.atomic():
            # User.email is unique: of two agents adding the same name at once, the second waits for the
            # first one's commit and gets the IntegrityError, worded as "taken".
            user = User(email=address, first_name=first, last_name=last, must_change_password=True)
            user.set_password(password)
            user.save()
            EmailAddress.objects.create(user=user, email=address, primary=True, verified=False)
            Membership.objects.create(user=user, tenant=customer, role=role)
            _record(partner=partner, customer=customer, actor=actor, kind=CustomerUserEvents.ADDED, user=user, ip=ip,
                    name=user.get_full_name(), role=_label(role))
            if role == Role.CUSTOMER_GLOBAL_ADMIN:
                _notify_global_admins("global_admin_added", partner=partner, customer=customer, subject=user)
    except IntegrityError:
        raise taken from None
    return Issued(user=user, temporary_password=password)


# An account may belong to other organisations too (another customer, a partner): its password and its name
# are theirs as well, so a partner acting for this customer changes neither.
SHARED_ACCOUNT = _("This account also belongs to another organisation, so its password can't be reset here. "
                   "Its owner changes it when signed in.")
SHARED_ACCOUNT_NAME = _("This account also belongs to another organisation, so its name can't be changed here; "
                        "the role can.")


def _set_role(memberships: list[Membership], role: str) -> None:
    """One membership keeps the role: the one with it already, else the first; a second row of the other
    customer role (made elsewhere) goes — its license assignments move to the row that stays first (one seat
    per subscription and user), so a role change never frees a seat."""
    from licenses.models import LicenseAssignment

    keep = next((m for m in memberships if m.role == role), memberships[0])
    dropped = [m.pk for m in memberships if m.pk != keep.pk]
    if dropped:
        held = LicenseAssignment.objects.filter(membership=keep).values("subscription_id")
        LicenseAssignment.objects.filter(membership__in=dropped, subscription_id__in=held).delete()
        LicenseAssignment.objects.filter(membership__in=dropped).update(membership=keep)
    Membership.objects.filter(pk__in=dropped).delete()
    if keep.role != role:
        Membership.objects.filter(pk=keep.pk).update(role=role)


def customer_user_update(*, partner: Tenant, customer: Tenant, actor: User, user_id: object, first_name: str,
                         last_name: str, role: str, ip: str | None = None) -> bool:
    """Name and role. Returns False when nothing changed."""
    authorise(partner=partner, customer=customer, actor=actor, perm=Perm.CUSTOMER_USERS_MANAGE,
              action=access.USERS_MANAGE)
    first, last = _names(first_name, last_name)
    rules.check_role(role)
    with transaction.atomic():
        user, memberships = _lock(customer, user_id)
        roles = {m.role for m in memberships}
        rules.check_keeps_global_admin(
            target_roles=roles, target_active=_active(user, memberships), wanted_role=role,
            other_active_global_admins=selectors.active_global_admins_except(customer=customer, user_id=user.pk))
        renamed = (first, last) != (user.first_name, user.last_name)
        if not renamed and roles == {role}:
            return False
        if renamed and selectors.has_other_tenants(user=user, customer=customer):
            raise Conflict(SHARED_ACCOUNT_NAME, field="first_name")
        if renamed:
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        _set_role(memberships, role)
        _record(partner=partner, customer=customer, actor=actor, kind=CustomerUserEvents.UPDATED, user=user, ip=ip,
                name=user.get_full_name(), role=_label(role))
        if role == Role.CUSTOMER_GLOBAL_ADMIN and Role.CUSTOMER_GLOBAL_ADMIN not in roles:
            _notify_global_admins("global_admin_added", partner=partner, customer=customer, subject=user)
    return True


def customer_user_sign_in_set(*, partner: Tenant, customer: Tenant, actor: User, user_id: object, blocked: bool,
                              ip: str | None = None) -> bool:
    """Block or unblock the user's sign-in. Returns False when it was so already."""
    authorise(partner=partner, customer=customer, actor=actor, perm=Perm.CUSTOMER_USERS_MANAGE,
              action=access.USERS_MANAGE)
    with transaction.atomic():
        user, memberships = _lock(customer, user_id)
        if _active(user, memberships) != blocked:
            return False
        if blocked:
            rules.check_keeps_global_admin(
                target_roles={m.role for m in memberships}, target_active=True, wanted_role=None, blocking=True,
                other_active_global_admins=selectors.active_global_admins_except(customer=customer,
                                                                                 user_id=user.pk))
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(is_active=not blocked)
        if not selectors.has_other_tenants(user=user, customer=customer):
            # The account is this customer's own: it cannot sign in at all while blocked.
            User.objects.filter(pk=user.pk).update(is_active=not blocked)
        kind = CustomerUserEvents.BLOCKED if blocked else CustomerUserEvents.UNBLOCKED
        _record(partner=partner, customer=customer, actor=actor, kind=kind, user=user, ip=ip)
    return True


@sensitive_variables("password")
def customer_user_password_reset(*, partner: Tenant, customer: Tenant, actor: User, user_id: object,
                                 ip: str | None = None) -> Issued:
    """A new temporary password (must be changed at the next sign-in); the user's sessions end. The user and
    the customer's other Global admins are told — without the password, which the partner passes on."""
    authorise(partner=partner, customer=customer, actor=actor, perm=Perm.PASSWORD_RESET,
              action=access.USERS_PASSWORD_RESET)
    with transaction.atomic():
        user, memberships = _lock(customer, user_id, tenant_too=False)
        row = selectors.CustomerUserRow(user, {m.role for m in memberships}, not _active(user, memberships))
        if selectors.has_other_tenants(user=user, customer=customer):
            raise Conflict(SHARED_ACCOUNT)
        if not may_reset_password_of(partner=partner, customer=customer, actor=actor, row=row):
            raise Forbidden(_("Resetting a Global admin's password needs full administration of this customer."))
        password = rules.temporary_password()
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        _record(partner=partner, customer=customer, actor=actor, kind=CustomerUserEvents.PASSWORD_RESET, user=user,
                ip=ip)
        _mail(user, "password_reset_user", partner=partner, customer=customer, subject=user)
        _notify_global_admins("password_reset_admins", partner=partner, customer=customer, subject=user)
    return Issued(user=user, temporary_password=password)


def customer_user_delete(*, partner: Tenant, customer: Tenant, actor: User, user_id: object,
                         ip: str | None = None) -> None:
    """Remove the user from the customer (their memberships, and with them their license assignments); the
    account itself goes too unless it belongs to another tenant as well."""
    authorise(partner=partner, customer=customer, actor=actor, perm=Perm.CUSTOMER_USERS_MANAGE,
              action=access.USERS_MANAGE)
    with transaction.atomic():
        user, memberships = _lock(customer, user_id)
        rules.check_keeps_global_admin(
            target_roles={m.role for m in memberships}, target_active=_active(user, memberships), wanted_role=None,
            deleting=True,
            other_active_global_admins=selectors.active_global_admins_except(customer=customer, user_id=user.pk))
        _record(partner=partner, customer=customer, actor=actor, kind=CustomerUserEvents.DELETED, user=user, ip=ip)
        Membership.objects.filter(tenant=customer, user=user).delete()
        if not selectors.has_other_tenants(user=user, customer=customer):
            try:
                with transaction.atomic():
                    user.delete()
            except ProtectedError:  # a row elsewhere must keep its author: the account stays, without access
                User.objects.filter(pk=user.pk).update(is_active=False)
