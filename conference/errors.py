"""Refusals that services raise and every interface turns into a clear answer (the API: a 4xx body)."""


class Refused(Exception):
    """A request that is well formed but cannot be done now, e.g. an illegal status transition."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(Refused):
    """A value that breaks a rule of the domain, e.g. a request window outside the conference."""

    status = 400
    code = "invalid"
