"""Small helpers around allauth's TOTP, for onboarding commands, the demo and tests."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings


def totp_activate(user, secret: str) -> Authenticator:
    """Give `user` a TOTP authenticator with `secret` (base32), replacing an existing one."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    return TOTP.activate(user, secret).instance


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The current 6-digit code for `secret`, as an authenticator app would show it."""
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    counter = int((at if at is not None else time.time()) // period)
    return format_hotp_value(hotp_value(secret, counter))
