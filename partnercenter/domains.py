"""Domain names: IDN accepted, stored as lower-case punycode, shown in Unicode.

The one place every form and service validates a domain (Add customer, the customer sign-up on a
partner's link, tenant creation). Lookalike names are refused (UTS #39): a label that mixes scripts
(`соntoso` with a Cyrillic о), that is written entirely in letters of another script which look
like ASCII ones (`аррӏе`), or a Latin label with letters that pass for plain ones (`ɡoogle`, `mıcrosoft`). Single-script names stay allowed (`müller-bäckerei`, `kávé`, `москва`)."""

from __future__ import annotations

import re
import string

import idna
from django.utils.translation import gettext_lazy as _

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_ASCII_LOOKS = frozenset(string.ascii_lowercase + string.digits)
# Scripts that one label may combine (UTS #39 "highly restrictive"): Japanese, Chinese, Korean with Latin.
_ALLOWED_MIXES = (frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}), frozenset({"LATIN", "HAN", "BOPOMOFO"}),
                  frozenset({"LATIN", "HAN", "HANGUL"}))
_NO_SCRIPT = frozenset({"COMMON", "INHERITED"})  # digits, the hyphen, combining marks


class InvalidDomain(ValueError):
    """Not a domain name. `message` says why, for the person who typed it."""

    message = _("Enter a valid domain name, for example contoso.com.")


class LookalikeDomain(InvalidDomain):
    def __init__(self, text: str, message: str) -> None:
        super().__init__(text)
        self.message = message


def _script_name(code: str) -> str:
    return code.replace("_", " ").title()


def _lookalike_check(ascii_form: str) -> None:
    """Raise LookalikeDomain for a mixed-script or a whole-script confusable label."""
    from confusable_homoglyphs import categories, confusables

    for label in ascii_form.split("."):
        if not label.startswith("xn--"):
            continue  # plain ASCII
        text = idna.decode(label)
        scripts = {categories.alias(ch) for ch in text} - _NO_SCRIPT
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
            raise LookalikeDomain(text, str(_(
                "“%(label)s” mixes letters of different scripts (%(scripts)s), so it can pass for another "
                "domain. Use the letters of one script in each part of the name."
            ) % {"label": text, "scripts": ", ".join(sorted(_script_name(s) for s in scripts))}))
        if scripts == {"LATIN"}:
            twins = sorted({ch for ch in text if not ch.isascii() and _plain_ascii_twin(ch, confusables)})
            if twins:
                raise LookalikeDomain(text, str(_(
                    "“%(label)s” contains letters that look like plain Latin ones (%(letters)s), so it can pass "
                    "for another domain. Write those letters plainly."
                ) % {"label": text, "letters": ", ".join(twins)}))
        if len(scripts) == 1 and scripts != {"LATIN"}:
            letters = [ch for ch in text if categories.alias(ch) not in _NO_SCRIPT]
            if all(_ascii_twin(ch, confusables) for ch in letters):
                raise LookalikeDomain(text, str(_(
                    "“%(label)s” is written in %(script)s letters that all look like Latin ones, so it can "
                    "pass for another domain. Such names are not accepted."
                ) % {"label": text, "script": _script_name(next(iter(scripts)))}))


def _ascii_twin(ch: str, confusables) -> bool:  # noqa: ANN001
    """Whether the character looks like an ASCII letter or digit (Unicode's confusables data)."""
    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"])
    return bool(found) and any(h["c"].lower() in _ASCII_LOOKS for h in found[0]["homoglyphs"])


def _plain_ascii_twin(ch: str, confusables) -> bool:  # noqa: ANN001
    """A Latin letter that Unicode's confusables data maps to one plain ASCII letter or digit (ɡ, ı, ɑ);
    letters with diacritics (ü, á, ő) are not mapped there and stay allowed."""
    twins = confusables.confusables_data.get(ch) or []
    return any(len(h["c"]) == 1 and h["c"].lower() in _ASCII_LOOKS for h in twins)


def normalize_domain(value: str) -> str:
    """Return the ASCII (punycode) form of a domain, or raise InvalidDomain."""
    text = (value or "").strip().rstrip(".").lower()
    if not text or len(text) > 253 or any(ch.isspace() for ch in text) or "/" in text or "@" in text:
        raise InvalidDomain(text)
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidDomain(text) from exc
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidDomain(text)
    if labels[-1].isdigit():
        raise InvalidDomain(text)
    _lookalike_check(ascii_form)
    return ascii_form


def domain_to_unicode(value: str) -> str:
    if "xn--" not in (value or "").lower():
        return value
    try:
        return idna.decode(value)
    except (idna.IDNAError, UnicodeError):
        return value


def email_to_unicode(value: str) -> str:
    """An address as a person reads it: the domain part in Unicode (the local part is as stored)."""
    local, at, domain = (value or "").rpartition("@")
    if not at:
        return value
    return f"{local}@{domain_to_unicode(domain)}"


def email_to_ascii(value: str) -> str:
    """An address as it is stored: a Unicode domain part in punycode (typed at sign-in, say)."""
    local, at, domain = (value or "").strip().rpartition("@")
    if not at or domain.isascii():
        return value
    try:
        return f"{local}@{idna.encode(domain.lower(), uts46=True).decode('ascii')}"
    except (idna.IDNAError, UnicodeError):
        return value


def to_unicode(value: object) -> str:
    """The one display rule for domains and email addresses (template filter `idn`)."""
    text = "" if value is None else str(value)
    return email_to_unicode(text) if "@" in text else domain_to_unicode(text)


def search_term_to_ascii(text: str) -> str | None:
    """The punycode form of a (partial) Unicode domain typed into a search box, or None."""
    value = (text or "").strip().lower()
    if not value or value.isascii():
        return None
    try:
        return idna.encode(value, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None
