"""Deployment checks of our own (run by `manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):  # noqa: ANN001, ANN003, ANN201
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [Error("SECRET_KEY is not set: set a long random string in the environment.",
                      id="partnercenter.E001")]
    return []
