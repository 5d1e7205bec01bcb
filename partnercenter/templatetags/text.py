"""`{% filter sentence %}…{% endfilter %}`: one full stop where a name or a date ended the sentence."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeData, mark_safe

from partnercenter.text import sentence as _sentence

register = template.Library()


@register.filter(is_safe=True)
def sentence(value: object) -> str:
    text = _sentence(value)
    return mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308 — only removes a "."
