from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digibank.demo import DEMO_TOTP_SECRET
from digibank.totp import totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo accounts (development only)."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Only available in development.")
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))
