"""Every non-trivial read of registration: desk search, today's list, visitor lists, duplicates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from digibank.models import Digibank, Location
from registration.identity import edit_distance, fold, normalise_name
from registration.models import (
    ConsentText,
    HelpQuestion,
    Outcome,
    Participation,
    TargetGroup,
    Visitor,
)

SEARCH_LIMIT = 20
# Two names are "close" when the whole name differs by at most this many letters.
DUPLICATE_MAX_DISTANCE = 2


def active_visitors(*, digibank: Digibank) -> QuerySet[Visitor]:
    """Visitors that can still be found: not merged into another, not erased."""
    return Visitor.objects.filter(
        digibank=digibank, merged_into__isnull=True, erased_at__isnull=True
    )


def with_returning_status(queryset: QuerySet[Visitor]) -> QuerySet[Visitor]:
    """Annotate each visitor with `visit_count`, `last_at` and `last_location_name`.

    Correlated subqueries: the database computes them only for the rows it returns, so a
    page of 20 costs the same with 100 or 100,000 visitors, and never one query per row.
    """
    participations = Participation.objects.filter(visitor=OuterRef("pk"))
    latest = participations.order_by("-occurred_at")
    return queryset.annotate(
        visit_count=Coalesce(
            Subquery(
                participations.order_by().values("visitor").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        last_at=Subquery(latest.values("occurred_at")[:1]),
        last_location_name=Subquery(latest.values("location__name")[:1]),
    )


def search_terms(query: str) -> list[str]:
    return fold(query).split()[:6]


def visitor_search(*, digibank: Digibank, query: str, limit: int = SEARCH_LIMIT) -> list[Visitor]:
    """The desk search: name fragments, a birth year (or postcode) and/or a visitor code.

    Every term must match (AND). Case, accents, hyphens and apostrophes do not matter.
    Returns at most `limit + 1` visitors, so the page can say "type more to narrow down".
    """
    terms = search_terms(query)
    if not terms or sum(len(t) for t in terms) < 2:
        return []
    visitors = active_visitors(digibank=digibank)
    for term in terms:
        if term.isdigit() and len(term) == 4:
            visitors = visitors.filter(Q(birth_year=int(term)) | Q(postcode=term))
        else:
            visitors = visitors.filter(search_text__contains=term)
    visitors = with_returning_status(visitors).order_by("last_name", "first_name", "pk")
    return list(visitors[: limit + 1])


def visitor_for_desk(*, digibank: Digibank, pk: int) -> Visitor | None:
    """One visitor with returning status, for the participation form (None if unknown here)."""
    return with_returning_status(active_visitors(digibank=digibank).filter(pk=pk)).first()


def recent_participations(*, visitor: Visitor, limit: int = 3) -> list[Participation]:
    """The last few visits, shown to the digihelper at the desk (no profile, no notes)."""
    return list(
        Participation.objects.filter(visitor=visitor)
        .select_related("location")
        .prefetch_related(
            Prefetch("help_questions", queryset=HelpQuestion.objects.prefetch_related("categories"))
        )
        .order_by("-occurred_at")[:limit]
    )


def desk_day_list(
    *, digibank: Digibank, location: Location | None, day: dt.date | None = None
) -> list[Participation]:
    """Who was helped today at `location` and by whom (newest first)."""
    if location is None:
        return []
    day = day or timezone.localdate()
    return list(
        Participation.objects.filter(digibank=digibank, location=location, occurred_on=day)
        .select_related("visitor", "registered_by")
        .prefetch_related(
            Prefetch("help_questions", queryset=HelpQuestion.objects.prefetch_related("categories"))
        )
        .order_by("-occurred_at")[:200]
    )


def open_follow_ups(
    *, digibank: Digibank, location: Location | None = None, limit: int = 50
) -> list[HelpQuestion]:
    """Help questions with a follow-up appointment that is not done yet (oldest first)."""
    questions = HelpQuestion.objects.filter(
        participation__digibank=digibank, outcome=Outcome.FOLLOW_UP, follow_up_done=False
    )
    if location is not None:
        questions = questions.filter(participation__location=location)
    return list(
        questions.select_related(
            "participation__visitor", "participation__location", "participation__registered_by"
        ).order_by("participation__occurred_at")[:limit]
    )


def visitor_by_idempotency_key(*, digibank: Digibank, key: str) -> Visitor | None:
    """The visitor a registration form with this key already saved (a double submit)."""
    return Visitor.objects.filter(digibank=digibank, idempotency_key=key).first()


def current_consent_text(*, digibank: Digibank) -> ConsentText | None:
    """The latest version of the digibank's consent text."""
    return ConsentText.objects.filter(digibank=digibank).order_by("-version").first()


# -- Duplicates --------------------------------------------------------------------------------


def _names_close(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    full_a, full_b = f"{first_a} {last_a}", f"{first_b} {last_b}"
    if edit_distance(full_a, full_b, limit=DUPLICATE_MAX_DISTANCE) <= DUPLICATE_MAX_DISTANCE:
        return True
    # First and last name swapped at the desk.
    swapped = f"{last_b} {first_b}"
    return edit_distance(full_a, swapped, limit=DUPLICATE_MAX_DISTANCE) <= DUPLICATE_MAX_DISTANCE


def is_likely_duplicate(
    a: tuple[str, str, int | None, str], b: tuple[str, str, int | None, str]
) -> bool:
    """(norm_first, norm_last, birth_year, postcode) of two people: likely the same person?

    Same normalised name (whatever the rest), or names a letter or two apart with the same
    birth year or the same postcode.
    """
    (first_a, last_a, year_a, pc_a), (first_b, last_b, year_b, pc_b) = a, b
    if first_a == first_b and last_a == last_b:
        return True
    same_year = year_a is not None and year_a == year_b
    same_postcode = bool(pc_a) and pc_a == pc_b
    if not (same_year or same_postcode):
        return False
    return _names_close(first_a, last_a, first_b, last_b)


def visitor_duplicates(
    *,
    digibank: Digibank,
    first_name: str,
    last_name: str,
    birth_year: int | None,
    postcode: str,
    limit: int = 10,
) -> list[Visitor]:
    """Likely existing records of the person about to be registered.

    The database returns one small block (same normalised name, same birth year, or same
    postcode with a similar start of a name); the edit distance is computed only there.
    """
    first, last = normalise_name(first_name), normalise_name(last_name)
    block = Q(norm_first_name=first, norm_last_name=last)
    if birth_year:
        block |= Q(birth_year=birth_year)
    if postcode:
        block |= Q(postcode=postcode) & (
            Q(norm_last_name__startswith=last[:2]) | Q(norm_first_name__startswith=first[:2])
        )
    rows = (
        active_visitors(digibank=digibank)
        .filter(block)
        .values_list("pk", "norm_first_name", "norm_last_name", "birth_year", "postcode")
    )
    me = (first, last, birth_year, postcode)
    ids = [pk for pk, *other in rows.iterator() if is_likely_duplicate(me, tuple(other))]
    if not ids:
        return []
    return list(
        with_returning_status(Visitor.objects.filter(pk__in=ids[:limit])).order_by(
            "last_name", "first_name"
        )
    )


@dataclass
class DuplicatePair:
    first: Visitor
    second: Visitor


def _blocks(rows: list[tuple]) -> Iterable[list[tuple]]:
    """Group rows sharing a birth year or a postcode (and the first letter of a name)."""
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        _pk, first, last, year, postcode = row
        groups[("name", first, last)].append(row)
        for key in {last[:1], first[:1]}:
            if year:
                groups[("year", year, key)].append(row)
            if postcode:
                groups[("postcode", postcode, key)].append(row)
    return (group for group in groups.values() if len(group) > 1)


def duplicate_pairs(*, digibank: Digibank, limit: int = 100) -> list[DuplicatePair]:
    """Pairs of visitors who are likely the same person, for the coordinator to merge.

    Blocked by birth year and postcode: names are compared only within a block.
    """
    rows = list(
        active_visitors(digibank=digibank)
        .exclude(norm_last_name="")
        .values_list("pk", "norm_first_name", "norm_last_name", "birth_year", "postcode")
        .order_by("pk")
    )
    found: set[tuple[int, int]] = set()
    for block in _blocks(rows):
        for a, b in combinations(block, 2):
            key = (a[0], b[0]) if a[0] < b[0] else (b[0], a[0])
            if a[0] == b[0] or key in found:
                continue
            if is_likely_duplicate(a[1:], b[1:]):
                found.add(key)
        if len(found) >= limit:
            break
    pairs = sorted(found)[:limit]
    visitors = with_returning_status(
        Visitor.objects.filter(pk__in={pk for pair in pairs for pk in pair})
    ).in_bulk()
    return [DuplicatePair(visitors[a], visitors[b]) for a, b in pairs]


# -- Coordinator lists ------------------------------------------------------------------------


def visitor_list(
    *,
    digibank: Digibank,
    query: str = "",
    target_group: TargetGroup | None = None,
    postcode: str = "",
    form_of_service: str = "",
    returning: str = "",
) -> QuerySet[Visitor]:
    """The coordinator's visitor list with filters; counts computed in the database."""
    visitors = active_visitors(digibank=digibank)
    for term in search_terms(query):
        if term.isdigit() and len(term) == 4:
            visitors = visitors.filter(Q(birth_year=int(term)) | Q(postcode=term))
        else:
            visitors = visitors.filter(search_text__contains=term)
    if target_group is not None:
        visitors = visitors.filter(
            Exists(
                Visitor.target_groups.through.objects.filter(
                    visitor_id=OuterRef("pk"), targetgroup_id=target_group.pk
                )
            )
        )
    if postcode == "unknown":
        visitors = visitors.filter(postcode="")
    elif postcode:
        visitors = visitors.filter(postcode=postcode)
    if form_of_service:
        visitors = visitors.filter(
            Exists(
                Participation.objects.filter(
                    visitor_id=OuterRef("pk"), form_of_service=form_of_service
                )
            )
        )
    participations = Participation.objects.filter(visitor_id=OuterRef("pk")).order_by()
    if returning in ("returning", "one_time"):
        # One aggregate over the ledger (index on visitor, day): first day == last day?
        days = (
            Participation.objects.filter(digibank=digibank, visitor__isnull=False)
            .values("visitor_id")
            .annotate(first=Min("occurred_on"), last=Max("occurred_on"))
        )
        if returning == "returning":
            days = days.exclude(first=F("last"))
        else:
            days = days.filter(first=F("last"))
        visitors = visitors.filter(pk__in=days.values("visitor_id"))
    # Correlated subqueries: computed for the 50 rows of a page only, never for all visitors.
    per_visitor = participations.values("visitor_id")
    visitors = visitors.annotate(
        visit_count=Coalesce(
            Subquery(per_visitor.annotate(n=Count("id")).values("n")[:1]), Value(0)
        ),
        day_count=Coalesce(
            Subquery(per_visitor.annotate(n=Count("occurred_on", distinct=True)).values("n")[:1]),
            Value(0),
        ),
        last_on=Subquery(per_visitor.annotate(last=Max("occurred_on")).values("last")[:1]),
    )
    return visitors.order_by("last_name", "first_name", "pk")


def visitor_history(*, visitor: Visitor) -> list[Participation]:
    """Every participation of a visitor across all services, with the help questions."""
    return list(
        Participation.objects.filter(visitor=visitor)
        .select_related("location", "referrer_organisation", "registered_by")
        .prefetch_related(
            Prefetch(
                "help_questions",
                queryset=HelpQuestion.objects.select_related(
                    "referred_to_organisation"
                ).prefetch_related("categories"),
            )
        )
        .order_by("-occurred_at")
    )


def visitor_merges(*, visitor: Visitor) -> list:
    """Merges this visitor took part in (as survivor), newest first, for undo."""
    return list(visitor.merges_kept.select_related("merged", "created_by").order_by("-created_at"))


def unique_visitor_count(
    *,
    digibank: Digibank,
    start: dt.date | None = None,
    end: dt.date | None = None,
    form_of_service: str = "",
) -> int:
    """Distinct registered visitors with at least one participation (anonymous ones excluded).

    Uniqueness is by pseudonymous code, so two records of one person that were not merged
    still count once, and an erased visitor (random code) still counts as one person.
    """
    participations = Participation.objects.filter(digibank=digibank, visitor__isnull=False)
    if start:
        participations = participations.filter(occurred_on__gte=start)
    if end:
        participations = participations.filter(occurred_on__lte=end)
    if form_of_service:
        participations = participations.filter(form_of_service=form_of_service)
    return participations.aggregate(n=Count("visitor__pseudonymous_code", distinct=True))["n"]


def visitor_export_data(*, visitor: Visitor) -> dict:
    """Everything the digibank keeps about one person (for a copy on request)."""
    history = visitor_history(visitor=visitor)
    return {
        "visitor": {
            "visitor_code": visitor.visitor_code,
            "first_name": visitor.first_name,
            "last_name": visitor.last_name,
            "birth_year": visitor.birth_year,
            "postcode": visitor.postcode or None,
            "gender": visitor.gender,
            "language": visitor.language,
            "education": visitor.education,
            "employment": visitor.employment,
            "target_groups": [group.code for group in visitor.target_groups.all()],
            "target_groups_answer": visitor.target_groups_answer,
            "phone": visitor.phone,
            "email": visitor.email,
            "consent_given_at": visitor.consent_given_at.isoformat()
            if visitor.consent_given_at
            else None,
            "consent_version": visitor.consent_text.version if visitor.consent_text else None,
            "created_at": visitor.created_at.isoformat(),
        },
        "digibank": visitor.digibank.name,
        "participations": [
            {
                "occurred_at": p.occurred_at.isoformat(),
                "form_of_service": p.form_of_service,
                "activity_kind": p.activity_kind,
                "activity_name": p.activity_name,
                "location": p.location.name if p.location else None,
                "referrer_organisation": p.referrer_organisation.name
                if p.referrer_organisation
                else None,
                "referrer_channel": p.referrer_channel,
                "help_questions": [
                    {
                        "categories": [c.code for c in q.categories.all()],
                        "concerned_service": q.concerned_service,
                        "has_content_side": q.has_content_side,
                        "outcome": q.outcome,
                        "referred_to": (
                            q.referred_to_organisation.name
                            if q.referred_to_organisation
                            else q.referred_to_text or q.referred_internal_to or None
                        ),
                        "note": q.note,
                    }
                    for q in p.help_questions.all()
                ],
            }
            for p in history
        ],
    }
