"""The errors of partnerships, typed domain errors (partnercenter/errors.py)."""

from partnercenter.errors import NotFound


class PartnershipNotFound(NotFound):
    """Unknown, revoked or foreign request or partnership: all look the same from outside."""
