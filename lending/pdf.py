"""PDF documents of the lending service, rendered with WeasyPrint from HTML templates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lending.models import Donation, Loan
from lending.selectors import donation_report
from lending.services import due_date_for, settings_for

PLACEHOLDERS = ("ontlener", "toestel", "einddatum", "waarborg", "digibank")


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def agreement_dates(loan: Loan) -> tuple[dt.date, dt.date | None]:
    """Start and due date: the real ones once picked up, else those of a pick-up today or at
    the planned moment (the agreement is printed to be signed at the pick-up)."""
    if loan.start_date:
        return loan.start_date, loan.due_date
    start = (
        timezone.localtime(loan.pickup_planned_at).date()
        if loan.pickup_planned_at
        else timezone.localdate()
    )
    return start, None if loan.is_permanent else due_date_for(start, loan.term)


def agreement_conditions(loan: Loan) -> list[str]:
    """The digibank's agreement text with its placeholders filled in, as paragraphs."""
    device = loan.device
    _start, due = agreement_dates(loan)
    values = {
        "ontlener": f"{loan.visitor.first_name} {loan.visitor.last_name}",
        "toestel": f"{device.get_type_display()} {device.brand} {device.model_name}".strip()
        if device
        else loan.get_device_type_display(),
        "einddatum": formats.date_format(due, "j F Y") if due else _("no end date (indefinite)"),
        "waarborg": f"EUR {formats.number_format(loan.deposit_amount, 2)}",
        "digibank": loan.digibank.name,
    }
    text = settings_for(loan.digibank).agreement_text
    for key in PLACEHOLDERS:
        text = text.replace("{" + key + "}", str(values[key]))
    return [line.strip() for line in text.splitlines() if line.strip()]


def agreement_pdf(loan: Loan) -> bytes:
    start, due = agreement_dates(loan)
    return render_pdf(
        "lending/pdf/agreement.html",
        {
            "loan": loan,
            "device": loan.device,
            "start": start,
            "due": due,
            "conditions": agreement_conditions(loan),
        },
    )


def wipe_statement_pdf(donation: Donation) -> bytes:
    return render_pdf(
        "lending/pdf/wipe_statement.html",
        {"donation": donation, "devices": donation_report(donation=donation)},
    )
