from digibank.exceptions import DigibankError


class RegistrationError(DigibankError):
    """A registration rule was broken; the message is translated and shown to the user."""
