from partnercenter.errors import DomainError


class RequestNotFound(DomainError):
    """Unknown, revoked or foreign link: all look the same from outside."""


class RequestExpired(DomainError):
    pass


class RequestAlreadyAnswered(DomainError):
    """Accepted, declined or being processed already."""

    def __init__(self, message: str, *, acceptance_id: object = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.acceptance_id = acceptance_id


class NotAllowed(DomainError):
    pass


class PendingRequestExists(DomainError):
    """A pending request to this customer email exists: creating one re-issues it, once confirmed."""

    def __init__(self, message: str, *, existing: object, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.existing = existing
