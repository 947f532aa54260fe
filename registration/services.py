"""Every write of registration: visitors and the participation ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.audit import audit_log, changed_fields, snapshot
from digibank.models import AuditLogEntry, Digibank, Location, Organisation
from registration.exceptions import RegistrationError
from registration.identity import (
    fold,
    new_visitor_code,
    normalise_name,
    pseudonymous_code,
    random_pseudonymous_code,
)
from registration.models import (
    ActivityKind,
    ConsentText,
    Education,
    Employment,
    FormOfService,
    Gender,
    HelpQuestion,
    Language,
    Outcome,
    Participation,
    ReferrerChannel,
    TargetGroup,
    TargetGroupAnswer,
    Visitor,
    VisitorMerge,
)


def visitor_refresh_identity(visitor: Visitor) -> None:
    """Recompute the folded search fields and the pseudonymous code from the identity fields."""
    visitor.norm_first_name = normalise_name(visitor.first_name)
    visitor.norm_last_name = normalise_name(visitor.last_name)
    # Folded names, plus the names without separators when they differ ("d hondt dhondt"),
    # so "dhon" and "d'hon" both find D'Hondt.
    parts = [fold(visitor.first_name), fold(visitor.last_name)]
    parts += [
        joined
        for folded, joined in zip(
            parts, (visitor.norm_first_name, visitor.norm_last_name), strict=True
        )
        if joined != folded
    ]
    parts.append(visitor.visitor_code.lower())
    visitor.search_text = " ".join(part for part in parts if part)[:255]
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


# -- Desk: visitors ---------------------------------------------------------------------------

IDENTITY_FIELDS = ("first_name", "last_name", "birth_year", "postcode")
PROFILE_FIELDS = ("gender", "language", "education", "employment", "target_groups_answer")
CONTACT_FIELDS = ("phone", "email")
EDITABLE_FIELDS = IDENTITY_FIELDS + PROFILE_FIELDS + CONTACT_FIELDS
FIRST_BIRTH_YEAR = 1900
ADULT_AGE = 18


def is_minor(birth_year: int | None, *, today: dt.date | None = None) -> bool:
    """Born less than 18 years ago (by birth year only: the desk does not ask a date)."""
    today = today or timezone.localdate()
    return birth_year is not None and birth_year > today.year - ADULT_AGE


def _check_identity(*, first_name: str, last_name: str, birth_year: int | None, postcode: str):
    if not first_name.strip() or not last_name.strip():
        raise RegistrationError(_("Fill in the first and last name."), field="first_name")
    this_year = timezone.localdate().year
    if birth_year is None or not FIRST_BIRTH_YEAR <= birth_year <= this_year:
        raise RegistrationError(
            _("Give a birth year between %(first)s and %(last)s.")
            % {"first": FIRST_BIRTH_YEAR, "last": this_year},
            field="birth_year",
        )
    if postcode and not (len(postcode) == 4 and postcode.isdigit() and postcode[0] != "0"):
        raise RegistrationError(
            _("A Belgian postcode has 4 digits, for example 3300."), field="postcode"
        )


@transaction.atomic
def visitor_register(
    *,
    digibank: Digibank,
    actor: Any,
    first_name: str,
    last_name: str,
    birth_year: int | None,
    postcode: str,
    consent_text: ConsentText | None,
    minor_confirmed: bool = False,
    gender: str = Gender.UNKNOWN,
    language: str = Language.UNKNOWN,
    education: str = Education.UNKNOWN,
    employment: str = Employment.UNKNOWN,
    target_groups: list[TargetGroup] | None = None,
    target_groups_answer: str = TargetGroupAnswer.UNKNOWN,
    phone: str = "",
    email: str = "",
    idempotency_key: str | None = None,
) -> tuple[Visitor, bool]:
    """Register a new visitor with their consent. Returns (visitor, created).

    A second call with the same `idempotency_key` (a double submit) returns the first visitor.
    """
    if idempotency_key:
        existing = Visitor.objects.filter(
            digibank=digibank, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing, False
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    _check_identity(
        first_name=first_name, last_name=last_name, birth_year=birth_year, postcode=postcode
    )
    if is_minor(birth_year) and not minor_confirmed:
        raise RegistrationError(
            _("This person is younger than 18. Confirm that you register a minor."),
            field="confirm_minor",
        )
    if consent_text is None or consent_text.digibank_id != digibank.pk:
        raise RegistrationError(_("Ask for consent before you register someone."), field="consent")
    groups = list(target_groups or [])
    if any(group.digibank_id != digibank.pk for group in groups):
        raise RegistrationError(_("This record belongs to another digibank."))
    if groups:
        target_groups_answer = TargetGroupAnswer.GIVEN
    elif target_groups_answer == TargetGroupAnswer.GIVEN:
        target_groups_answer = TargetGroupAnswer.UNKNOWN
    visitor = Visitor(
        digibank=digibank,
        first_name=first_name,
        last_name=last_name,
        birth_year=birth_year,
        postcode=postcode,
        gender=gender,
        language=language,
        education=education,
        employment=employment,
        target_groups_answer=target_groups_answer,
        phone=phone.strip(),
        email=email.strip(),
        consent_given_at=timezone.now(),
        consent_text=consent_text,
        consent_recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        idempotency_key=idempotency_key or None,
    )
    assign_visitor_code(visitor)
    visitor_refresh_identity(visitor)
    try:
        with transaction.atomic():
            visitor.save()
    except IntegrityError:
        existing = Visitor.objects.filter(
            digibank=digibank, idempotency_key=idempotency_key
        ).first()
        if idempotency_key and existing is not None:
            return existing, False
        raise
    visitor.target_groups.set(groups)
    audit_log(
        actor=actor,
        action="registration.visitor.created",
        obj=visitor,
        fields=[name for name in EDITABLE_FIELDS if getattr(visitor, name)]
        + (["target_groups"] if groups else [])
        + ["consent_given_at"],
    )
    return visitor, True


@transaction.atomic
def visitor_update(
    *,
    visitor: Visitor,
    actor: Any,
    target_groups: list[TargetGroup] | None = None,
    **fields: Any,
) -> list[str]:
    """Change a visitor's identity, profile or contact fields; logs the changed field names."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.erased_at is not None:
        raise RegistrationError(_("This visitor has been erased."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise RegistrationError(_("These fields cannot be changed here."))
    for name in ("first_name", "last_name"):
        if name in fields:
            fields[name] = " ".join(str(fields[name]).split())
    before = snapshot(visitor, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(visitor, name, value)
    _check_identity(
        first_name=visitor.first_name,
        last_name=visitor.last_name,
        birth_year=visitor.birth_year,
        postcode=visitor.postcode,
    )
    changed = changed_fields(visitor, before, EDITABLE_FIELDS)
    if target_groups is not None:
        if any(group.digibank_id != visitor.digibank_id for group in target_groups):
            raise RegistrationError(_("This record belongs to another digibank."))
        old = set(visitor.target_groups.values_list("pk", flat=True))
        if old != {group.pk for group in target_groups}:
            visitor.target_groups.set(target_groups)
            changed.append("target_groups")
            if target_groups and visitor.target_groups_answer != TargetGroupAnswer.GIVEN:
                visitor.target_groups_answer = TargetGroupAnswer.GIVEN
                changed.append("target_groups_answer")
    if not changed:
        return []
    visitor_refresh_identity(visitor)
    visitor.save()
    audit_log(actor=actor, action="registration.visitor.changed", obj=visitor, fields=changed)
    return changed


def visitor_view_record(*, visitor: Visitor, actor: Any) -> None:
    """Log that someone opened a visitor's full record (privacy: who looked at whom)."""
    audit_log(actor=actor, action="registration.visitor.viewed", obj=visitor)


def visitor_export_record(*, visitor: Visitor, actor: Any, file_format: str) -> None:
    audit_log(
        actor=actor,
        action="registration.visitor.exported",
        obj=visitor,
        data={"format": file_format},
    )


# -- Desk: participations ---------------------------------------------------------------------


def _occurred_at(day: dt.date | None) -> dt.datetime:
    now = timezone.localtime()
    if day is None or day == now.date():
        return now
    if day > now.date():
        raise RegistrationError(_("The date cannot be in the future."), field="occurred_on")
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@transaction.atomic
def desk_participation_register(
    *,
    digibank: Digibank,
    actor: Any,
    visitor: Visitor | None,
    location: Location,
    form_of_service: str,
    idempotency_key: str,
    occurred_on: dt.date | None = None,
    activity_kind: str = "",
    referrer_organisation: Organisation | None = None,
    referrer_channel: str = ReferrerChannel.UNKNOWN,
    help_question: dict | None = None,
) -> tuple[Participation, bool]:
    """Today's participation at the desk, with its help question, in one transaction.

    Returns (participation, created); a double submit (same key) saves nothing new.
    """
    if not idempotency_key:
        raise RegistrationError(_("The form expired. Please fill it in again."))
    if location is None or location.digibank_id != digibank.pk:
        raise RegistrationError(_("Choose the location."), field="location")
    existing = Participation.objects.filter(
        digibank=digibank, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return existing, False
    if visitor is not None and visitor.erased_at is not None:
        raise RegistrationError(_("This visitor has been erased."))
    participation = participation_record(
        digibank=digibank,
        form_of_service=form_of_service,
        occurred_at=_occurred_at(occurred_on),
        visitor=visitor,
        location=location,
        actor=actor,
        activity_kind=activity_kind,
        referrer_organisation=referrer_organisation,
        referrer_channel=referrer_channel,
        idempotency_key=idempotency_key,
    )
    if (
        help_question is not None
        and form_of_service == FormOfService.INDIVIDUAL_SUPPORT
        and not participation.help_questions.exists()
    ):
        help_question_record(participation=participation, actor=actor, **help_question)
    return participation, True


def anonymous_participation_record(
    *,
    digibank: Digibank,
    actor: Any,
    location: Location | None,
    idempotency_key: str,
    form_of_service: str = FormOfService.INDIVIDUAL_SUPPORT,
) -> tuple[Participation, bool]:
    """One click for someone who declines registration: a participation, never a visitor."""
    if location is None:
        raise RegistrationError(_("First choose where you work today."), field="location")
    return desk_participation_register(
        digibank=digibank,
        actor=actor,
        visitor=None,
        location=location,
        form_of_service=form_of_service,
        idempotency_key=idempotency_key,
        activity_kind=ActivityKind.DIGIPUNT_WALK_IN
        if form_of_service == FormOfService.INDIVIDUAL_SUPPORT
        else "",
    )


@transaction.atomic
def follow_up_mark_done(*, help_question: HelpQuestion, actor: Any) -> None:
    question = HelpQuestion.objects.select_for_update().get(pk=help_question.pk)
    if question.outcome != Outcome.FOLLOW_UP:
        raise RegistrationError(_("This question has no follow-up."))
    if question.follow_up_done:
        return
    question.follow_up_done = True
    question.save(update_fields=["follow_up_done"])
    audit_log(
        actor=actor,
        action="registration.help_question.follow_up_done",
        obj=question,
        digibank=question.participation.digibank,
        fields=["follow_up_done"],
    )


# -- Coordinator: merge, undo, erase ----------------------------------------------------------

# Profile fields a merge fills in on the kept record when it does not know them yet.
MERGE_FILL_FIELDS = {
    "postcode": "",
    "gender": Gender.UNKNOWN,
    "language": Language.UNKNOWN,
    "education": Education.UNKNOWN,
    "employment": Employment.UNKNOWN,
    "phone": "",
    "email": "",
}


def _visitor_links() -> list[tuple[str, tuple[str, ...]]]:
    """Other apps' rows that belong to a visitor, declared as `VISITOR_LINKS` in their hooks."""
    from importlib import import_module

    links = []
    for app in ("lending", "sessions_app"):
        try:
            module = import_module(f"{app}.hooks")
        except ModuleNotFoundError:
            continue
        links.extend(getattr(module, "VISITOR_LINKS", []))
    return links


def _move_linked_rows(*, source: Visitor, target: Visitor) -> dict[str, list[int]]:
    """Move the loans, sign-ups, appointments ... of `source` to `target`; returns the moved ids
    per model so that an undo moves exactly those back. A row whose unique fields clash with a
    row `target` already has (the same session twice) stays with `source`."""
    moved: dict[str, list[int]] = {}
    for label, unique_fields in _visitor_links():
        model = django_apps.get_model(label)
        rows = model.objects.filter(visitor=source)
        if unique_fields:
            clash = model.objects.filter(visitor=target, **{f: OuterRef(f) for f in unique_fields})
            rows = rows.exclude(Exists(clash))
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        if ids:
            model.objects.filter(pk__in=ids).update(visitor=target)
            moved[label] = ids
    return moved


@transaction.atomic
def visitor_merge(*, survivor: Visitor, merged: Visitor, actor: Any) -> VisitorMerge:
    """Merge `merged` into `survivor`: every participation moves, nothing is deleted.

    Fields the survivor does not know yet are taken from the merged record. The merge keeps
    what it moved and filled in, so `visitor_merge_undo` can put everything back.
    """
    if survivor.pk == merged.pk:
        raise RegistrationError(_("Choose two different visitors."))
    if survivor.digibank_id != merged.digibank_id:
        raise RegistrationError(_("This record belongs to another digibank."))
    locked = {
        v.pk: v
        for v in Visitor.objects.select_for_update()
        .filter(pk__in=[survivor.pk, merged.pk])
        .order_by("pk")
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for visitor in (survivor, merged):
        if visitor.merged_into_id is not None or visitor.erased_at is not None:
            raise RegistrationError(
                _("%(visitor)s was already merged or erased.") % {"visitor": visitor}
            )
    moved = list(
        Participation.objects.filter(visitor=merged).order_by("pk").values_list("pk", flat=True)
    )
    Participation.objects.filter(pk__in=moved).update(visitor=survivor)
    moved_rows = _move_linked_rows(source=merged, target=survivor)
    filled = []
    for name, empty in MERGE_FILL_FIELDS.items():
        if getattr(survivor, name) == empty and getattr(merged, name) != empty:
            setattr(survivor, name, getattr(merged, name))
            filled.append(name)
    added_groups = list(
        merged.target_groups.exclude(pk__in=survivor.target_groups.all()).values_list(
            "pk", flat=True
        )
    )
    if added_groups:
        survivor.target_groups.add(*added_groups)
    survivor.save()
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = VisitorMerge.objects.create(
        digibank=survivor.digibank,
        survivor=survivor,
        merged=merged,
        moved_participation_ids=moved,
        data={
            "filled_fields": filled,
            "added_target_groups": added_groups,
            "moved_rows": moved_rows,
        },
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="registration.visitor.merged",
        obj=survivor,
        fields=filled + (["target_groups"] if added_groups else []),
        data={"merge": merge.pk, "merged_visitor": merged.pk, "participations": len(moved)},
    )
    audit_log(
        actor=actor,
        action="registration.visitor.merged_away",
        obj=merged,
        fields=["merged_into"],
        data={"merge": merge.pk, "survivor": survivor.pk},
    )
    return merge


@transaction.atomic
def visitor_merge_undo(*, merge: VisitorMerge, actor: Any) -> None:
    """Put the merged visitor back, with exactly the participations the merge moved."""
    merge = VisitorMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise RegistrationError(_("This merge has already been undone."))
    survivor = Visitor.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Visitor.objects.select_for_update().get(pk=merge.merged_id)
    if survivor.erased_at is not None or survivor.merged_into_id is not None:
        raise RegistrationError(
            _("The kept record was erased or merged again; this merge can no longer be undone.")
        )
    Participation.objects.filter(pk__in=merge.moved_participation_ids, visitor=survivor).update(
        visitor=merged
    )
    for label, ids in merge.data.get("moved_rows", {}).items():
        django_apps.get_model(label).objects.filter(pk__in=ids, visitor=survivor).update(
            visitor=merged
        )
    for name in merge.data.get("filled_fields", []):
        setattr(survivor, name, MERGE_FILL_FIELDS[name])
    survivor.save()
    added_groups = merge.data.get("added_target_groups", [])
    if added_groups:
        survivor.target_groups.remove(*added_groups)
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_log(
        actor=actor,
        action="registration.visitor.merge_undone",
        obj=survivor,
        fields=merge.data.get("filled_fields", []),
        data={"merge": merge.pk, "merged_visitor": merged.pk},
    )
    audit_log(
        actor=actor,
        action="registration.visitor.unmerged",
        obj=merged,
        fields=["merged_into"],
        data={"merge": merge.pk},
    )


ERASED_FIELDS = ("first_name", "last_name", "birth_year", "postcode", "phone", "email")


@transaction.atomic
def visitor_erase(*, visitor: Visitor, actor: Any) -> None:
    """Erase a person on request: identity and contact gone, participations kept.

    The participations stay linked to the anonymised record (so unique counts do not
    change); its pseudonymous code becomes random, so it links to no one any more. Records
    merged into this one are erased too, and old log lines no longer show the name.
    """
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.erased_at is not None:
        raise RegistrationError(_("This visitor has already been erased."))
    if visitor.merged_into_id is not None:
        raise RegistrationError(_("This record was merged; erase the kept record instead."))
    content_type = ContentType.objects.get_for_model(Visitor)
    now = timezone.now()
    for record in [visitor, *Visitor.objects.select_for_update().filter(merged_into=visitor)]:
        record.first_name = ""
        record.last_name = ""
        record.birth_year = None
        record.postcode = ""
        record.phone = ""
        record.email = ""
        record.norm_first_name = ""
        record.norm_last_name = ""
        record.search_text = ""
        record.idempotency_key = None
        assign_visitor_code(record)
        record.pseudonymous_code = random_pseudonymous_code()
        record.erased_at = now
        record.save()
        AuditLogEntry.objects.filter(content_type=content_type, object_id=str(record.pk)).update(
            object_repr=str(record)
        )
    HelpQuestion.objects.filter(participation__visitor=visitor).exclude(note="").update(note="")
    audit_log(
        actor=actor,
        action="registration.visitor.erased",
        obj=visitor,
        fields=[*ERASED_FIELDS, "visitor_code", "pseudonymous_code"],
    )
