"""The lifecycle every tokenised link shares: issue, re-issue (Resend), send, revoke, expire, look up
by digest, answer. Kind-specific rules (who may, what accepting grants) stay with each kind; these
functions take the already-checked link and the actor, never an HTTP request."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from links.kinds import KINDS, LinkKind
from links.models import RESENDABLE, REVOCABLE, LinkStatus, TokenLink
from links.tokens import NewToken, email_normalize, token_digest, token_new, token_well_formed
from partnercenter.errors import Conflict, Invalid, Stale
from partnercenter.events import event_record

L = TypeVar("L", bound=TokenLink)


def _kind(link: TokenLink | type[TokenLink]) -> LinkKind:
    return KINDS[link.kind]


def _log(link: TokenLink, activity: str, *, actor: Any, ip: str | None = None, **data: Any) -> None:
    event_record(tenant=link.issuer, kind=activity, actor=actor, ip=ip, data={"last4": link.token_last4, **data})


def email_checked(value: str, *, field: str) -> str:
    """An addressee's email as stored: NFKC + casefold, valid, and at most 254 characters after
    normalising (casefold can lengthen an address the form accepted). "" stays ""."""
    email = email_normalize(value)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(_("Enter a valid email address."), field=field) from None
    if len(email) > 254:
        raise Invalid(_("Enter a valid email address."), field=field)
    return email


def link_issue(model: type[L], *, actor: Any, ip: str | None = None, log: dict | None = None,
               **fields: Any) -> tuple[L, str]:
    """A new pending link of this kind; returns it and the raw token (shown once, never stored)."""
    token = token_new()
    link = model.objects.create(
        created_by=actor, token_digest=token.digest, token_last4=token.last4,
        expires_at=timezone.now() + _kind(model).validity, **fields,
    )
    _log(link, _kind(model).created, actor=actor, ip=ip, **(log or {}))
    return link, token.raw


def link_reissue(link: TokenLink) -> tuple[NewToken, str]:
    """Give a (locked) link a new token and a fresh expiry and make it pending again; the old link
    stops working at once. Returns the token and the old last four characters. The caller saves."""
    token = token_new()
    old_last4 = link.token_last4
    link.token_digest, link.token_last4 = token.digest, token.last4
    link.expires_at = timezone.now() + _kind(link).validity
    link.status = LinkStatus.PENDING
    link.reissued_at = timezone.now()
    link.answered_at = None
    link.answered_by = None
    return token, old_last4


def link_reissue_logged(link: TokenLink, *, actor: Any, ip: str | None = None) -> str:
    """Re-issue a locked link, save it and write the "resent" entry; the raw token."""
    token, old_last4 = link_reissue(link)
    link.save()
    _log(link, _kind(link).resent, actor=actor, ip=ip, old_last4=old_last4, **link.activity_extra())
    return token.raw


def link_lock(model: type[L], pk: int) -> L:
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def link_resend(link: TokenLink, *, actor: Any, ip: str | None = None, check=None) -> str:
    """Resend: a new link for the same request. `check(locked)` adds the kind's own refusals."""
    with transaction.atomic():
        locked = link_lock(type(link), link.pk)
        if locked.status not in RESENDABLE:
            raise Conflict(_("An accepted or revoked request cannot be resent."))
        if check is not None:
            check(locked)
        raw = link_reissue_logged(locked, actor=actor, ip=ip)
    link.refresh_from_db()
    return raw


def link_revoke(link: TokenLink, *, actor: Any, ip: str | None = None) -> None:
    with transaction.atomic():
        locked = link_lock(type(link), link.pk)
        if locked.status not in REVOCABLE:
            raise Conflict(_("Only a pending or expired request can be revoked."))
        locked.status = LinkStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "updated_at"])
        _log(locked, _kind(locked).revoked, actor=actor, ip=ip)


def link_send_checked(locked: TokenLink, *, raw_token: str) -> None:
    """Before mailing a draft: the draft's link is still this request's, and it is pending."""
    if locked.token_digest != token_digest(raw_token):
        raise Stale(_("This link was replaced by a newer one. Open the request again."), field="body")
    if locked.effective_status != LinkStatus.PENDING:
        raise Conflict(_("Only a pending request can be sent."))


def recipient_language(address: str, *, draft_language: str = "") -> str:
    """The language a link's mail is filed in: the recipient's when the address belongs to a user of
    the portal, else the draft's (what the sender wrote it in), else the site's default. Never the
    language of whatever thread happens to send it."""
    return recipient_languages([address], draft_language=draft_language)[address]


def recipient_languages(addresses: list[str], *, draft_language: str = "") -> dict[str, str]:
    """recipient_language() for many addresses with one query (a bulk invitation's chunk)."""
    from django.conf import settings
    from django.db.models.functions import Lower

    from partnercenter.models import User

    known = dict(User.objects.annotate(address=Lower("email")).filter(address__in=[a.lower() for a in addresses])
                 .exclude(language="").values_list("address", "language"))
    fallback = draft_language or settings.LANGUAGE_CODE
    return {address: known.get(address.lower()) or fallback for address in addresses}


def link_sent(locked: TokenLink, *, actor: Any, ip: str | None = None, **log: Any) -> None:
    locked.sent_at = timezone.now()
    locked.sent_by = actor
    locked.save(update_fields=["sent_at", "sent_by", "updated_at"])
    _log(locked, _kind(locked).sent, actor=actor, ip=ip, **log)


def link_expire(link: TokenLink, *, actor: Any = None) -> None:
    link.status = LinkStatus.EXPIRED
    link.save(update_fields=["status", "updated_at"])
    _log(link, _kind(link).expired, actor=actor)


def links_expire(*, batch: int = 500) -> int:
    """The sweep: persist the expiry of every kind's pending links whose time is up (pages show
    them expired already), with an activity entry each."""
    done = 0
    for kind in KINDS.values():
        model = kind.model_class
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(status=LinkStatus.PENDING, expires_at__lte=timezone.now())
                    .select_related(model.issuer_field)[:batch]
                )
                for row in rows:
                    link_expire(row)
            done += len(rows)
            if len(rows) < batch:
                break
    return done


def link_by_token(model: type[L], raw_token: str, *, lock: bool = False, related: tuple[str, ...] = ()) -> L | None:
    """The link a raw token opens, found by digest (None for a malformed or unknown token). Every page and
    answer of a link starts here: the query is compiled once per kind and shape (partnercenter.sqlcache)."""
    from partnercenter.sqlcache import shaped_first

    if not token_well_formed(raw_token):
        return None

    def build(v: dict) -> Any:
        qs = model.objects.select_related(*related)
        if lock:
            qs = qs.select_for_update(of=("self",))
        return qs.filter(token_digest=v["digest"]).order_by("pk")[:1]  # what .first() asks for

    return shaped_first(("link_by_token", model._meta.label, lock, related), build, {"digest": token_digest(raw_token)})


def link_answer(locked: TokenLink, *, status: str, actor: Any, fields: tuple[str, ...] = ()) -> None:
    """Record the addressee's answer on a locked link (ACCEPTED or DECLINED). `fields` names the
    kind's own fields the caller set as well."""
    assert status in (LinkStatus.ACCEPTED, LinkStatus.DECLINED)
    locked.status = status
    locked.answered_at = timezone.now()
    locked.answered_by = actor
    locked.save(update_fields=["status", "answered_at", "answered_by", "updated_at", *fields])
