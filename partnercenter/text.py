"""Sentences that end with a name or a date: "Fabrikam Kft." or a Hungarian date ("2026. 10. 22.")
already end with a full stop, and the message's own one makes "Kft.." — keep one."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages.storage.fallback import FallbackStorage

_DOUBLE_STOP = re.compile(r"(?<![.…])\.\.(?![.…])")


def sentence(text: Any) -> str:
    """The text with every doubled full stop made single; an ellipsis ("...") stays."""
    return _DOUBLE_STOP.sub(".", str(text))


class MessageStorage(FallbackStorage):
    """Django's default message storage; every message is worded through sentence()."""

    def add(self, level: int, message: Any, extra_tags: str = "") -> None:
        super().add(level, sentence(message) if message else message, extra_tags)
