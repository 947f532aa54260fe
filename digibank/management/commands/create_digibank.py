import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from digibank.exceptions import DigibankError
from digibank.services import digibank_create


class Command(BaseCommand):
    help = "Create a digibank: create_digibank SLUG --name NAME [--start YYYY-MM-DD] [--target N]"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--start", help="start date, YYYY-MM-DD (default: today)")
        parser.add_argument("--target", type=int, default=1000, help="target of unique visitors")
        parser.add_argument(
            "--municipality", action="append", default=[], help="a municipality served (repeatable)"
        )

    def handle(self, *args, slug, name, start, target, municipality, **options):
        start_date = None
        if start:
            try:
                start_date = dt.date.fromisoformat(start)
            except ValueError:
                raise CommandError(
                    f"--start must be a date as YYYY-MM-DD, not {start!r}."
                ) from None
        try:
            digibank = digibank_create(
                slug=slug,
                name=name,
                start_date=start_date,
                target_unique_visitors=target,
                municipalities=municipality,
            )
        except DigibankError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            json.dumps(
                {
                    "id": digibank.pk,
                    "slug": digibank.slug,
                    "name": digibank.name,
                    "start_date": digibank.start_date.isoformat(),
                    "target": digibank.target_unique_visitors,
                }
            )
        )
