"""The periodic department report as XLSX, CSV and PDF, from `selectors.report_data`.

Every text cell goes through `escape_formula`: a value such as `=HYPERLINK(...)` typed into a
field must reach the spreadsheet as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reporting import charts
from reporting.indicators import FORMS, PROFILE_DIMENSIONS, _categories
from reporting.labels import label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def escape_formula(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _pct_text(share: dict) -> str:
    if share["percent"] is None:
        return "-"
    return f"{share['percent']}% ({share['count']}/{share['denominator']})"


def summary_rows(data: dict) -> list[tuple[str, str, Any]]:
    """The report's numbers as (section, item, value) rows: the XLSX summary and the CSV."""
    u = data["unique_visitors"]
    scope = data["scope"]
    rows: list[tuple[str, str, Any]] = [
        (_("Report"), _("Digibank"), scope["name"] or _("All digibanks")),
        (_("Report"), _("From"), str(scope["start"])),
        (_("Report"), _("To"), str(scope["end"])),
        (_("Report"), _("Made on"), data["generated_at"].strftime("%Y-%m-%d %H:%M")),
        (_("Reach"), _("Unique visitors in the period"), u["total"]),
        (_("Reach"), _("New in the period"), u["new"]),
        (_("Reach"), _("Took part before"), u["already_known"]),
        (_("Reach"), _("Unique visitors since the start"), u["cumulative"]),
        (_("Reach"), _("Target"), u["target"]),
        (_("Reach"), _("Progress to the target"), _pct_text(u["progress"])),
        (_("Reach"), _("Participations"), u["participations"]),
        (_("Reach"), _("Anonymous participations"), u["anonymous_participations"]),
        (_("Reach"), _("Returning visitors (2+ days)"), _pct_text(data["returning"]["returning"])),
    ]
    for form in FORMS:
        rows.append(
            (
                _("Per form of service"),
                label("form", form),
                f"{u['by_service_form'][form]} / {u['participations_by_service_form'][form]}",
            )
        )
    for form, kinds in data["activities"].items():
        for kind, value in sorted(kinds.items()):
            rows.append(
                (
                    _("Per activity"),
                    f"{label('form', form)}: {label('activity_kind', kind)}",
                    f"{value['unique']} / {value['participations']}",
                )
            )
    profile = data["profile"]
    for dimension in PROFILE_DIMENSIONS:
        for code in _categories(dimension):
            rows.append(
                (
                    f"{_('Profile')}: {label('field', dimension)}",
                    label(dimension, code),
                    f"{profile['new'][dimension][code]} / "
                    f"{profile['period'][dimension][code]} / "
                    f"{profile['cumulative'][dimension][code]}",
                )
            )
    for field, share in data["completeness"]["fields"].items():
        rows.append((_("Data completeness"), label("field", field), _pct_text(share)))
    if data.get("digibanks"):
        summary = data["digibanks"]
        for row in summary["digibanks"]:
            rows.append(
                (
                    _("Per digibank"),
                    row["name"],
                    f"{row['unique_visitors']} / {row['new']} / {row['cumulative']} / "
                    f"{row['target']}",
                )
            )
        rows.append(
            (
                _("Per digibank"),
                _("Unique across digibanks (pseudonymous codes)"),
                summary["unique_across_digibanks"],
            )
        )
    return rows


def summary_legend() -> dict[str, str]:
    return {
        _("Per form of service"): _("unique visitors / participations"),
        _("Per activity"): _("unique visitors / participations"),
        _("Profile"): _("new / in the period / since the start"),
        _("Per digibank"): _("unique / new / since the start / target"),
    }


VISITOR_COLUMNS = [
    "digibank",
    "code",
    "birth_year_band",
    "gender",
    "postcode",
    "target_groups",
    "first_participation",
    "forms_of_service",
]


def visitor_header() -> list[str]:
    return [
        _("Digibank"),
        _("Pseudonymous code"),
        _("Birth years"),
        _("Gender"),
        _("Postcode"),
        _("Target groups"),
        _("First participation"),
        _("Forms of service used"),
    ]


def visitor_cells(visitor: dict) -> list[Any]:
    return [
        visitor["digibank"],
        visitor["code"],
        visitor["birth_year_band"],
        visitor["gender"],
        visitor["postcode"],
        ", ".join(visitor["target_groups"]),
        visitor["first_participation"],
        ", ".join(visitor["forms_of_service"]),
    ]


def render_xlsx(data: dict) -> bytes:
    """A summary sheet and the pseudonymous visitor sheet (about 100 000 rows for all
    digibanks), written with xlsxwriter: it streams rows several times faster than openpyxl.
    Strings are never turned into formulas, numbers or links, on top of `escape_formula`."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    bold = workbook.add_format({"bold": True})

    def header(sheet, titles):
        sheet.write_row(0, 0, [escape_formula(title) for title in titles], bold)

    summary = workbook.add_worksheet(_("Summary")[:31])
    summary.set_column(0, 0, 30)
    summary.set_column(1, 1, 50)
    summary.set_column(2, 2, 30)
    header(summary, [_("Section"), _("Item"), _("Value")])
    row_number = 1
    for row in summary_rows(data):
        summary.write_row(row_number, 0, [escape_formula(v) for v in row])
        row_number += 1
    row_number += 1
    for section, meaning in summary_legend().items():
        summary.write_row(row_number, 0, [escape_formula(section), escape_formula(meaning)])
        row_number += 1

    sheet = workbook.add_worksheet(_("Visitors (pseudonymous)")[:31])
    sheet.freeze_panes(1, 0)
    header(sheet, visitor_header())
    for row_number, visitor in enumerate(data["visitors"], start=1):
        sheet.write_row(row_number, 0, [escape_formula(v) for v in visitor_cells(visitor)])
    workbook.close()
    return buffer.getvalue()


def render_csv(data: dict) -> bytes:
    """Semicolon-separated UTF-8 (with BOM, for Excel in Belgium): the summary rows, an empty
    line, then the pseudonymous visitor list."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Section"), _("Item"), _("Value")])
    for row in summary_rows(data):
        writer.writerow([escape_formula(v) for v in row])
    writer.writerow([])
    writer.writerow(visitor_header())
    for visitor in data["visitors"]:
        writer.writerow([escape_formula(v) for v in visitor_cells(visitor)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def pdf_context(data: dict) -> dict:
    u = data["unique_visitors"]
    profile = data["profile"]
    profile_tables = []
    for dimension in PROFILE_DIMENSIONS:
        profile_tables.append(
            {
                "title": label("field", dimension),
                "rows": [
                    {
                        "label": label(dimension, code),
                        "new": profile["new"][dimension][code],
                        "period": profile["period"][dimension][code],
                        "cumulative": profile["cumulative"][dimension][code],
                    }
                    for code in _categories(dimension)
                ],
            }
        )
    target_rows = [
        (label("target_groups", code), count)
        for code, count in profile["period"]["target_groups"].items()
    ]
    return {
        "data": data,
        "u": u,
        "forms": [
            {
                "label": label("form", form),
                "unique": u["by_service_form"][form],
                "participations": u["participations_by_service_form"][form],
            }
            for form in FORMS
        ],
        "activities": [
            {
                "form": label("form", form),
                "kind": label("activity_kind", kind),
                **value,
            }
            for form, kinds in data["activities"].items()
            for kind, value in sorted(kinds.items())
        ],
        "profile_tables": profile_tables,
        "completeness": [
            {"label": label("field", field), **share}
            for field, share in data["completeness"]["fields"].items()
        ],
        "forms_chart": charts.bar_chart(
            [(label("form", f), u["by_service_form"][f]) for f in FORMS],
            title=_("Unique visitors per form of service"),
        ),
        "months_chart": charts.column_chart(
            [(m["month"][2:], m["unique"]) for m in u["by_month"]],
            title=_("Unique visitors per month"),
        ),
        "target_chart": charts.bar_chart(target_rows, title=_("Unique visitors per target group")),
        "completeness_chart": charts.bar_chart(
            [
                (label("field", field), share["percent"] or 0)
                for field, share in data["completeness"]["fields"].items()
            ],
            title=_("Data completeness"),
            unit="%",
        ),
        "digibanks": data.get("digibanks"),
    }


def render_pdf(data: dict) -> bytes:
    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    html = render_to_string("reporting/report_pdf.html", pdf_context(data))
    stylesheet = CSS(filename=str(Path(__file__).with_name("pdf.css")))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


RENDERERS = {"xlsx": render_xlsx, "csv": render_csv, "pdf": render_pdf}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def render(data: dict, fmt: str) -> bytes:
    return RENDERERS[fmt](data)
