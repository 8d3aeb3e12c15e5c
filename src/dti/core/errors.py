"""Errors a service raises when a step is not allowed now; views show the message as it is."""


class ServiceError(Exception):
    """A refused action (wrong state, past the deadline, bad data) with a Vietnamese message."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(ServiceError):
    """Someone else saved the same data since it was loaded; carries their version."""

    def __init__(self, message: str, *, current: object) -> None:
        super().__init__(message)
        self.current = current
