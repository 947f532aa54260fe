"""Write the periodic department report of a digibank and period to a file."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reporting import exports, selectors
from reporting.management.commands.learning_indicators import scope_from_options


class Command(BaseCommand):
    help = "Write the periodic department report (XLSX, CSV or PDF) of a digibank and period."

    def add_arguments(self, parser):
        parser.add_argument("--digibank", required=True, help="short name (slug)")
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day (included), YYYY-MM-DD")
        parser.add_argument("--format", required=True, choices=["xlsx", "csv", "pdf"])
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        digibank, start, end = scope_from_options(options)
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        with translation.override(settings.LANGUAGE_CODE):
            data = selectors.report_data(digibank=digibank, start=start, end=end)
            content = exports.render(data, options["format"])
        temp = output.with_name(f".{output.name}.part")
        temp.write_bytes(content)
        os.replace(temp, output)
        self.stdout.write(f"{output} ({len(content)} bytes)")
