class DigibankError(Exception):
    """A rule of the core was broken; the message is translated and shown to the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
