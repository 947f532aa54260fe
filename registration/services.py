"""Every write of registration: visitors and the participation ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.audit import audit_log
from digibank.models import Digibank, Location, Organisation
from registration.exceptions import RegistrationError
from registration.identity import fold, new_visitor_code, normalise_name, pseudonymous_code
from registration.models import (
    FormOfService,
    HelpQuestion,
    Outcome,
    Participation,
    ReferrerChannel,
    Visitor,
)


def visitor_refresh_identity(visitor: Visitor) -> None:
    """Recompute the folded search fields and the pseudonymous code from the identity fields."""
    visitor.norm_first_name = normalise_name(visitor.first_name)
    visitor.norm_last_name = normalise_name(visitor.last_name)
    visitor.search_text = " ".join(
        part
        for part in (
            fold(visitor.first_name),
            fold(visitor.last_name),
            visitor.visitor_code.lower(),
        )
        if part
    )
    visitor.pseudonymous_code = pseudonymous_code(
        visitor.first_name, visitor.last_name, visitor.birth_year
    )


def assign_visitor_code(visitor: Visitor) -> None:
    while True:
        code = new_visitor_code()
        if not Visitor.objects.filter(digibank_id=visitor.digibank_id, visitor_code=code).exists():
            visitor.visitor_code = code
            return


def participation_record(
    *,
    digibank: Digibank,
    form_of_service: str,
    occurred_at: dt.datetime,
    visitor: Visitor | None = None,
    location: Location | None = None,
    actor: Any = None,
    source: models.Model | None = None,
    source_event: str = "",
    activity_kind: str = "",
    activity_name: str = "",
    referrer_organisation: Organisation | None = None,
    referrer_channel: str = ReferrerChannel.UNKNOWN,
    idempotency_key: str | None = None,
    reported_returning: bool | None = None,
) -> Participation:
    """Write one row of the ledger. Every app that serves a visitor calls this.

    Idempotent: a second call with the same `idempotency_key`, or for the same
    (`source`, `source_event`), returns the existing participation instead of a new one.
    """
    if form_of_service not in FormOfService.values:
        raise RegistrationError(_("Unknown form of service."))
    for obj in (visitor, location, referrer_organisation):
        if obj is not None and obj.digibank_id != digibank.pk:
            raise RegistrationError(_("This record belongs to another digibank."))
    if visitor is not None and visitor.merged_into_id is not None:
        visitor = visitor.merged_into
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    existing = _existing_participation(digibank, idempotency_key, source_type, source, source_event)
    if existing is not None:
        return existing
    participation = Participation(
        digibank=digibank,
        visitor=visitor,
        location=location,
        occurred_at=occurred_at,
        occurred_on=timezone.localtime(occurred_at).date(),
        form_of_service=form_of_service,
        activity_kind=activity_kind,
        activity_name=activity_name[:150],
        source_type=source_type,
        source_id=source.pk if source is not None else None,
        source_event=source_event,
        referrer_organisation=referrer_organisation,
        referrer_channel=referrer_channel,
        reported_returning=reported_returning,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError:
        existing = _existing_participation(
            digibank, idempotency_key, source_type, source, source_event
        )
        if existing is None:
            raise
        return existing
    return participation


def _existing_participation(digibank, idempotency_key, source_type, source, source_event):
    if idempotency_key:
        found = Participation.objects.filter(
            digibank=digibank, idempotency_key=idempotency_key
        ).first()
        if found is not None:
            return found
    if source is not None:
        return Participation.objects.filter(
            source_type=source_type, source_id=source.pk, source_event=source_event
        ).first()
    return None


def participation_cancel(*, participation: Participation, actor: Any) -> None:
    """Remove a participation recorded by mistake (e.g. an attendance ticked off again)."""
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="registration.participation.deleted",
            obj=participation,
            object_repr=str(participation),
        )
        participation.delete()


def help_question_record(
    *,
    participation: Participation,
    categories: list,
    actor: Any,
    concerned_service: str = "",
    has_content_side: bool = False,
    outcome: str = Outcome.SOLVED,
    referred_to_organisation: Organisation | None = None,
    referred_to_text: str = "",
    referred_internal_to: str = "",
    note: str = "",
) -> HelpQuestion:
    """Record what was asked at an individual-support participation, and what came of it."""
    if participation.form_of_service != FormOfService.INDIVIDUAL_SUPPORT:
        raise RegistrationError(_("A help question belongs to individual support."))
    if not categories:
        raise RegistrationError(_("Choose at least one kind of question."), field="categories")
    if outcome == Outcome.REFERRED_EXTERNAL and not (
        referred_to_organisation or referred_to_text.strip()
    ):
        raise RegistrationError(
            _("Say to which organisation you referred."), field="referred_to_text"
        )
    if outcome == Outcome.REFERRED_INTERNAL and not referred_internal_to:
        raise RegistrationError(
            _("Say to which service you referred."), field="referred_internal_to"
        )
    if (
        referred_to_organisation is not None
        and referred_to_organisation.digibank_id != participation.digibank_id
    ):
        raise RegistrationError(_("This record belongs to another digibank."))
    with transaction.atomic():
        question = HelpQuestion.objects.create(
            participation=participation,
            concerned_service=concerned_service.strip()[:100],
            concerned_service_key=fold(concerned_service)[:100],
            has_content_side=has_content_side,
            outcome=outcome,
            referred_to_organisation=referred_to_organisation
            if outcome == Outcome.REFERRED_EXTERNAL
            else None,
            referred_to_text=referred_to_text.strip()[:150]
            if outcome == Outcome.REFERRED_EXTERNAL
            else "",
            referred_internal_to=referred_internal_to
            if outcome == Outcome.REFERRED_INTERNAL
            else "",
            note=note.strip()[:500],
        )
        question.categories.set(categories)
    return question
