"""Retention: visitors not seen for `digibank.retention_months` are anonymised.

What anonymising does (and why):
- cleared: first and last name (replaced by the placeholder "Anoniem"), phone, e-mail, the
  folded search and duplicate fields (the person can no longer be found or matched at the
  desk), the free-text notes of their help questions, and the names in audit-log records
  (`object_repr` becomes "#<visitor code>");
- kept: the visitor record itself, its random visitor code and its pseudonymous code (so
  the person still counts once in every indicator and report, before and after), and the
  profile used by the indicators: birth year, postcode, gender, language, education,
  employment, target groups and consent date. Without the name and contact fields these no
  longer point at a person; the department's reports carry them already (birth year as a band).
- `anonymised_at` is set and one audit entry `registration.visitor.anonymised` is written per
  visitor, in the same transaction. Running it again changes nothing (idempotent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BigIntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone

from digibank.models import AuditLogEntry, Digibank
from registration.models import HelpQuestion, ImportBatch, Participation, Visitor

ANONYMOUS_NAME = "Anoniem"
ANONYMISED_FIELDS = ["email", "first_name", "last_name", "phone"]
# Uploaded legacy files that were previewed but never imported are removed after this.
STALE_IMPORT_DAYS = 7


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of that month if it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def retention_cutoff(*, digibank: Digibank, today: dt.date | None = None) -> dt.date:
    """Visitors whose last participation (or creation) lies before this day are anonymised."""
    return months_before(today or timezone.localdate(), digibank.retention_months)


def visitors_due_for_anonymisation(
    *, digibank: Digibank, today: dt.date | None = None
) -> QuerySet[Visitor]:
    """Visitors past the retention period, with `last_seen` (last participation or creation).

    Merged records follow the visitor they were merged into."""
    cutoff = retention_cutoff(digibank=digibank, today=today)
    last_participation = (
        Participation.objects.filter(visitor=OuterRef("pk"))
        .order_by()
        .values("visitor")
        .annotate(last=Max("occurred_on"))
        .values("last")
    )
    base = Visitor.objects.filter(
        digibank=digibank, anonymised_at__isnull=True, erased_at__isnull=True
    ).annotate(
        last_seen=Coalesce(
            Subquery(last_participation),
            TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
        )
    )
    active_due = base.filter(merged_into__isnull=True, last_seen__lt=cutoff).values("pk")
    return base.filter(
        Q(pk__in=active_due)
        | Q(merged_into__in=active_due)
        | Q(merged_into__anonymised_at__isnull=False)
        | Q(merged_into__erased_at__isnull=False)
    ).order_by("last_seen", "pk")


@transaction.atomic
def anonymise_expired_visitors(
    *, digibank: Digibank, actor: Any = None, today: dt.date | None = None
) -> int:
    """Anonymise every visitor of `digibank` past its retention period; returns how many."""
    ids = list(
        visitors_due_for_anonymisation(digibank=digibank, today=today)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    now = timezone.now()
    Visitor.objects.filter(pk__in=ids).update(
        first_name=ANONYMOUS_NAME,
        last_name=ANONYMOUS_NAME,
        phone="",
        email="",
        norm_first_name="",
        norm_last_name="",
        search_text="",
        anonymised_at=now,
        updated_at=now,
    )
    HelpQuestion.objects.filter(participation__visitor_id__in=ids).exclude(note="").update(note="")
    visitor_type = ContentType.objects.get_for_model(Visitor)
    code = Visitor.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField())).values(
        "visitor_code"
    )[:1]
    AuditLogEntry.objects.filter(
        content_type=visitor_type, object_id__in=[str(pk) for pk in ids]
    ).update(object_repr=Concat(Value("#"), Subquery(code)))
    codes = dict(Visitor.objects.filter(pk__in=ids).values_list("pk", "visitor_code"))
    AuditLogEntry.objects.bulk_create(
        [
            AuditLogEntry(
                digibank=digibank,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action="registration.visitor.anonymised",
                content_type=visitor_type,
                object_id=str(pk),
                object_repr=f"#{codes[pk]}",
                changed_fields=ANONYMISED_FIELDS,
                data={"reason": "retention", "retention_months": digibank.retention_months},
            )
            for pk in ids
        ],
        batch_size=2000,
    )
    return len(ids)


def discard_stale_imports(*, today: dt.datetime | None = None) -> int:
    """Remove uploaded legacy files that were previewed but not imported within a week."""
    limit = (today or timezone.now()) - dt.timedelta(days=STALE_IMPORT_DAYS)
    stale = list(
        ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEWED, created_at__lt=limit)
    )
    for batch in stale:
        if batch.file:
            batch.file.storage.delete(batch.file.name)
        batch.delete()
    return len(stale)
