"""Settings for the gunicorn under load: the app's own, with the per-IP login limit raised.

All 55 simulated users log in from 127.0.0.1 within seconds; allauth's per-IP login limit
(30 a minute) is there for attackers, not for this. Everything else is unchanged.

    DJANGO_SETTINGS_MODULE=benchmarks.settings_load gunicorn digibank.wsgi ...
"""

from digibank.settings import *  # noqa: F403
from digibank.settings import ACCOUNT_RATE_LIMITS

ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "600/m/ip"}
