"""The one audit log. Services call `audit_log` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from digibank.models import AuditLogEntry, Digibank


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    digibank: Digibank | None = None,
    fields: Iterable[str] = (),
    data: dict | None = None,
    object_repr: str | None = None,
) -> AuditLogEntry:
    """Record who did `action` (dotted, e.g. `registration.visitor.changed`) to `obj`."""
    if digibank is None and obj is not None:
        digibank = getattr(obj, "digibank", None)
    return AuditLogEntry.objects.create(
        digibank=digibank,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(
            object_repr if object_repr is not None else str(obj) if obj is not None else ""
        )[:200],
        changed_fields=sorted(fields),
        data=data or {},
    )


def changed_fields(
    instance: models.Model, before: dict[str, Any], names: Iterable[str]
) -> list[str]:
    """The names among `names` whose value on `instance` differs from `before`."""
    return [name for name in names if before.get(name) != getattr(instance, name)]


def snapshot(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}
