class DomainError(Exception):
    """A rule of the product refused the change. `field` names the form field it belongs beside."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
