"""`{{ value|idn }}`: a domain or email address as a person reads it (Unicode; stored as punycode)."""

from __future__ import annotations

from django import template

from partnercenter.domains import to_unicode

register = template.Library()


@register.filter(is_safe=False)
def idn(value: object) -> str:
    return to_unicode(value)
