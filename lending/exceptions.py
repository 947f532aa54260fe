from digibank.exceptions import DigibankError


class LendingError(DigibankError):
    """A lending rule was broken; the message is translated and shown to the user."""
