"""Print the 12 learning indicators of a digibank and period as JSON (see the README)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from digibank.models import Digibank, Location
from reporting import indicators


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from None


def scope_from_options(options) -> tuple[Digibank, dt.date, dt.date]:
    try:
        digibank = Digibank.objects.get(slug=options["digibank"])
    except Digibank.DoesNotExist:
        raise CommandError(f"No digibank with short name {options['digibank']!r}.") from None
    start = parse_date(options["start"], "--start")
    end = parse_date(options["end"], "--end")
    if end < start:
        raise CommandError("--end comes before --start.")
    return digibank, start, end


class Command(BaseCommand):
    help = "Print the 12 learning indicators of a digibank for a period as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--digibank", required=True, help="short name (slug)")
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day (included), YYYY-MM-DD")
        parser.add_argument("--location", help="short name (slug) of a location")

    def handle(self, *args, **options):
        digibank, start, end = scope_from_options(options)
        location_id = None
        if options.get("location"):
            location = Location.objects.filter(digibank=digibank, slug=options["location"]).first()
            if location is None:
                raise CommandError(f"No location {options['location']!r} in {digibank.slug}.")
            location_id = location.pk
        result = indicators.learning_indicators(
            digibank_ids=[digibank.pk], start=start, end=end, location_id=location_id
        )
        output = {
            "digibank": digibank.slug,
            "period": {"start": str(start), "end": str(end)},
            **({"location": options["location"]} if location_id else {}),
            **result,
        }
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2, default=str))
