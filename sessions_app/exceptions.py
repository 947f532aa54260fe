from digibank.exceptions import DigibankError


class SessionsError(DigibankError):
    """A rule of training or appointments was broken; the message is translated."""
