"""Consent texts and the access log: writes and reads of the privacy pages (issue 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from digibank.audit import audit_log
from digibank.models import AuditLogEntry, Digibank
from registration.exceptions import RegistrationError
from registration.models import ConsentText, Visitor
from registration.selectors import current_consent_text

VISITOR_VIEWED = "registration.visitor.viewed"


def consent_text_publish(*, digibank: Digibank, actor: Any, text: str) -> ConsentText:
    """A new version; older versions stay, so every visitor's consent keeps its wording."""
    text = text.strip()
    if len(text) < 20:
        raise RegistrationError(_("Write the consent text in a few plain sentences."), field="text")
    with transaction.atomic():
        Digibank.objects.select_for_update().filter(pk=digibank.pk).first()
        current = ConsentText.objects.filter(digibank=digibank).aggregate(v=Max("version"))["v"]
        latest = current_consent_text(digibank=digibank)
        if latest is not None and latest.text.strip() == text:
            raise RegistrationError(
                _("This text is the same as the current version."), field="text"
            )
        consent = ConsentText.objects.create(
            digibank=digibank, version=(current or 0) + 1, text=text, created_by=actor
        )
        audit_log(
            actor=actor, action="registration.consent_text.published", obj=consent, fields=["text"]
        )
    return consent


def access_log_entries(
    *,
    digibank: Digibank,
    actor_id: int | None = None,
    visitor_code: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLogEntry]:
    """Who opened which visitor's page, newest first."""
    entries = AuditLogEntry.objects.filter(
        digibank=digibank,
        action=VISITOR_VIEWED,
        content_type=ContentType.objects.get_for_model(Visitor),
    ).select_related("actor")
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if visitor_code:
        ids = Visitor.objects.filter(
            digibank=digibank, visitor_code__iexact=visitor_code.strip()
        ).values_list("pk", flat=True)
        entries = entries.filter(object_id__in=[str(pk) for pk in ids])
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-created_at", "-id")


def visitors_by_id(*, digibank: Digibank, ids: list[str]) -> dict[str, Visitor]:
    """The visitors of one page of the access log, in one query."""
    numeric = [int(pk) for pk in ids if pk.isdigit()]
    return {
        str(v.pk): v
        for v in Visitor.objects.filter(digibank=digibank, pk__in=numeric).only(
            "pk",
            "first_name",
            "last_name",
            "birth_year",
            "visitor_code",
            "anonymised_at",
            "erased_at",
            "digibank_id",
        )
    }
