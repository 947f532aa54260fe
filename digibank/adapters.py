from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from digibank.models import MFA_ROLES


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join a digibank through a coordinator's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """Roles that must use two-factor login cannot switch it off."""
        user = authenticator.user
        if not settings.MFA_REQUIRED:
            return True
        return not (
            user.is_superuser or user.memberships.filter(role__in=MFA_ROLES, active=True).exists()
        )
