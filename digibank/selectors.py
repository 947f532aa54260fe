from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q, QuerySet

from digibank.models import AuditLogEntry, Digibank, Invitation, Location, Membership, Organisation


def digibank_overview(*, digibank: Digibank) -> dict:
    """Counts for the coordinator's home page, in one query per table."""
    locations = Location.objects.filter(digibank=digibank).aggregate(
        total=Count("id"), active=Count("id", filter=Q(active=True))
    )
    members = Membership.objects.filter(digibank=digibank, active=True).aggregate(
        total=Count("id"),
        volunteers=Count("id", filter=Q(role="volunteer")),
        coordinators=Count("id", filter=Q(role="coordinator")),
        referrers=Count("id", filter=Q(role="referrer")),
    )
    organisations = Organisation.objects.filter(digibank=digibank, active=True).count()
    return {"locations": locations, "members": members, "organisations": organisations}


def digibank_list_for_department() -> QuerySet[Digibank]:
    return Digibank.objects.annotate(
        location_count=Count("locations", filter=Q(locations__active=True), distinct=True)
    ).order_by("name")


def location_list(*, digibank: Digibank) -> QuerySet[Location]:
    return Location.objects.filter(digibank=digibank).select_related("host_organisation")


def organisation_list(*, digibank: Digibank) -> QuerySet[Organisation]:
    return Organisation.objects.filter(digibank=digibank)


def member_list(*, digibank: Digibank) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(digibank=digibank)
        .select_related("user", "organisation")
        .order_by("-active", "user__name", "user__email")
    )


def open_invitations(*, digibank: Digibank) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        digibank=digibank, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def audit_entries(*, digibank: Digibank, action_prefix: str = "") -> QuerySet[AuditLogEntry]:
    entries = AuditLogEntry.objects.filter(digibank=digibank).select_related(
        "actor", "content_type"
    )
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries


def audit_entries_for(obj: Model, *, limit: int = 50) -> list[AuditLogEntry]:
    """The change history of one record, for the history panel on detail pages."""
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        AuditLogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
