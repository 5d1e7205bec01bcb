"""Secrets the server has to read back, kept encrypted at rest: a webhook registration's Standard
Webhooks key signs every delivery, so it cannot be stored as a hash like a password or an API app's
client secret.

Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) under keys derived from
SECRET_KEY and then SECRET_KEY_FALLBACKS: the first key encrypts, every key decrypts. Rotating
SECRET_KEY the Django way (the old key moved to SECRET_KEY_FALLBACKS) keeps every stored secret
readable; `manage.py secrets_reencrypt` then rewrites them under the new key, after which the old key
can go. A database dump alone no longer gives away the keys that sign a partner's webhooks.

EncryptedTextField stores "fernet:<token>"; a value without that prefix (a row written before the
field was encrypted) is read as it is and encrypted when next saved. The token is randomised, so the
column cannot be filtered on."""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.crypto import salted_hmac

PREFIX = "fernet:"
_SALT = "partnercenter.secretbox"


@functools.lru_cache(maxsize=8)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(salted_hmac(_SALT, "key", secret=key,
                                                                    algorithm="sha256").digest()))
                        for key in keys])


def _current_box() -> MultiFernet:
    return _box((settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())))


def seal(value: str | None) -> str | None:
    """`value` encrypted under the current key ("" and None stay as they are)."""
    if not value:
        return value
    return PREFIX + _current_box().encrypt(value.encode("utf-8")).decode("ascii")


def reveal(stored: str | None) -> str | None:
    """The clear value of what seal() stored (a value without the prefix is returned unchanged)."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return _current_box().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted: SECRET_KEY changed and the key it was encrypted under is not "
            "among SECRET_KEY_FALLBACKS.") from None


class EncryptedTextField(models.TextField):
    """A text column holding seal()ed values; Python sees them in clear."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return reveal(value)

    def get_prep_value(self, value: Any) -> Any:
        return seal(super().get_prep_value(value))
