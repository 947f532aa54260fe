from digibank.exceptions import DigibankError


class ReportingError(DigibankError):
    """A reporting rule was broken; the message is translated and shown to the user."""
