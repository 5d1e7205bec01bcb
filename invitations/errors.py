"""The errors of relationship requests, each a typed domain error with its code (partnercenter/errors.py)."""

from partnercenter.errors import Code, Conflict, Expired, Forbidden, NotFound


class RequestNotFound(NotFound):
    """Unknown, revoked or foreign link: all look the same from outside."""


class RequestExpired(Expired):
    pass


class RequestAlreadyAnswered(Conflict):
    """Accepted, declined or being processed already (`code` already_accepted when it was accepted)."""

    default_code = Code.ALREADY_ANSWERED

    def __init__(self, message: object, *, acceptance_id: object = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.acceptance_id = acceptance_id


class NotAllowed(Forbidden):
    """The acting user's role or organisation may not do this with a relationship request."""


class PendingRequestExists(Conflict):
    """A pending request to this addressee exists: creating one re-issues it, once confirmed."""

    default_code = Code.PENDING_EXISTS

    def __init__(self, message: object, *, existing: object, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.existing = existing
