"""`python manage.py import_registrations PATH --digibank SLUG [--dry-run]`

Prints the summary as JSON (keys: see registration.importing.SUMMARY_KEYS). Unknown
locations and referrers are created and listed. Exits with status 1, importing nothing, if
any row is rejected (unless --dry-run)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digibank.models import Digibank
from registration.exceptions import RegistrationError
from registration.importing import legacy_import, legacy_plan


class Command(BaseCommand):
    help = "Import legacy registrations (CSV or XLSX) into a digibank."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--digibank", required=True, help="the digibank's short name (slug)")
        parser.add_argument(
            "--dry-run", action="store_true", help="only show what would be imported"
        )

    def handle(self, *args, path: str, digibank: str, dry_run: bool, **options):
        bank = Digibank.objects.filter(slug=digibank).first()
        if bank is None:
            raise CommandError(f"No digibank with short name {digibank!r}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        if file.stat().st_size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise CommandError(
                f"The file is too large ({file.stat().st_size / 1_048_576:.1f} MB); the limit is "
                f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1_048_576:.1f} MB (IMPORT_MAX_UPLOAD_BYTES)."
            )
        data = file.read_bytes()
        try:
            plan = legacy_plan(digibank=bank, data=data, filename=file.name)
            if dry_run:
                summary = plan.summary()
            elif plan.rejected:
                summary = {
                    **plan.summary(),
                    "participations_created": 0,
                    "visitors_created": 0,
                    "anonymous": 0,
                    "created_locations": [],
                    "created_referrers": [],
                }
            else:
                summary = legacy_import(
                    digibank=bank, data=data, filename=file.name, create_unknown=True
                )
        except RegistrationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        if plan.rejected and not dry_run:
            raise CommandError(
                f"{len(plan.rejected)} rows rejected: nothing imported.", returncode=1
            )
