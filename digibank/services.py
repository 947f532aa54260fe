"""Every write of the core goes through a function here (convention 1 and 2)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from digibank.audit import audit_log, changed_fields, snapshot
from digibank.exceptions import DigibankError
from digibank.models import Digibank, Invitation, Location, Membership, Organisation, Role, User

SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DIGIBANK_FIELDS = ["name", "municipalities", "start_date", "target_unique_visitors"]
LOCATION_FIELDS = [
    "name",
    "kind",
    "address",
    "municipality",
    "host_organisation",
    "opening_notes",
    "active",
]
ORGANISATION_FIELDS = ["name", "type", "is_partner", "is_referrer", "active"]


def digibank_create(
    *,
    slug: str,
    name: str,
    start_date: dt.date | None = None,
    target_unique_visitors: int = 1000,
    municipalities: list[str] | None = None,
    actor: Any = None,
) -> Digibank:
    slug = slug.strip().lower()
    if not SLUG_PATTERN.fullmatch(slug):
        raise DigibankError(
            _("The short name may only contain lower-case letters, digits and hyphens."),
            field="slug",
        )
    if not name.strip():
        raise DigibankError(_("Give the digibank a name."), field="name")
    if target_unique_visitors < 1:
        raise DigibankError(_("The target must be at least 1."), field="target_unique_visitors")
    try:
        with transaction.atomic():
            digibank = Digibank.objects.create(
                slug=slug,
                name=name.strip(),
                start_date=start_date or timezone.localdate(),
                target_unique_visitors=target_unique_visitors,
                municipalities=municipalities or [],
            )
            audit_log(
                actor=actor, action="digibank.digibank.created", obj=digibank, digibank=digibank
            )
            _run_app_hooks("digibank_created", digibank)
    except IntegrityError:
        raise DigibankError(
            _("A digibank with the short name %(slug)s already exists.") % {"slug": slug},
            field="slug",
        ) from None
    return digibank


# Apps that set up their own defaults for a new digibank in `<app>/hooks.py`.
HOOK_APPS = ["registration", "lending", "sessions_app", "reporting"]


def _run_app_hooks(name: str, *args: Any) -> None:
    from importlib import import_module

    for app in HOOK_APPS:
        try:
            module = import_module(f"{app}.hooks")
        except ModuleNotFoundError:
            continue
        hook = getattr(module, name, None)
        if hook is not None:
            hook(*args)


def _unique_location_slug(digibank: Digibank, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "locatie"
    slug, n = base, 2
    taken = Location.objects.filter(digibank=digibank)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def location_save(
    *, digibank: Digibank, actor: Any, location: Location | None = None, **fields: Any
) -> Location:
    host = fields.get("host_organisation")
    if host is not None and host.digibank_id != digibank.pk:
        raise DigibankError(
            _("Choose an organisation of your own digibank."), field="host_organisation"
        )
    if not str(fields.get("name", "")).strip():
        raise DigibankError(_("Give the location a name."), field="name")
    if location is None:
        location = Location(digibank=digibank, **fields)
        location.slug = _unique_location_slug(digibank, location.name)
        location.save()
        audit_log(actor=actor, action="digibank.location.created", obj=location)
        return location
    # Compare with the stored row: a bound ModelForm has already changed `location` in memory.
    before = snapshot(Location.objects.select_for_update().get(pk=location.pk), LOCATION_FIELDS)
    for name, value in fields.items():
        setattr(location, name, value)
    location.save()
    audit_log(
        actor=actor,
        action="digibank.location.changed",
        obj=location,
        fields=changed_fields(location, before, LOCATION_FIELDS),
    )
    return location


def organisation_save(
    *, digibank: Digibank, actor: Any, organisation: Organisation | None = None, **fields: Any
) -> Organisation:
    name = str(fields.get("name", "")).strip()
    if not name:
        raise DigibankError(_("Give the organisation a name."), field="name")
    fields["name"] = name
    try:
        with transaction.atomic():
            if organisation is None:
                organisation = Organisation.objects.create(digibank=digibank, **fields)
                audit_log(actor=actor, action="digibank.organisation.created", obj=organisation)
                return organisation
            stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
            before = snapshot(stored, ORGANISATION_FIELDS)
            for key, value in fields.items():
                setattr(organisation, key, value)
            organisation.save()
            audit_log(
                actor=actor,
                action="digibank.organisation.changed",
                obj=organisation,
                fields=changed_fields(organisation, before, ORGANISATION_FIELDS),
            )
            return organisation
    except IntegrityError:
        raise DigibankError(
            _("Your digibank already has an organisation called %(name)s.") % {"name": name},
            field="name",
        ) from None


def invitation_create(
    *,
    digibank: Digibank,
    email: str,
    role: str,
    invited_by: User,
    organisation: Organisation | None = None,
    accept_url_builder: Any = None,
) -> Invitation:
    """Invite someone to the digibank; the e-mail leaves only once the invitation is saved."""
    email = email.strip().lower()
    if role not in (Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER):
        raise DigibankError(_("Choose a role for the new member."), field="role")
    if organisation is not None and organisation.digibank_id != digibank.pk:
        raise DigibankError(_("Choose an organisation of your own digibank."), field="organisation")
    if role == Role.REFERRER and organisation is None:
        raise DigibankError(
            _("A referrer works for an organisation: choose it."), field="organisation"
        )
    if Membership.objects.filter(digibank=digibank, user__email__iexact=email).exists():
        raise DigibankError(
            _("%(email)s is already a member of this digibank.") % {"email": email}, field="email"
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            # An expired, unanswered invitation may be replaced by a new one.
            Invitation.objects.filter(
                digibank=digibank,
                email__iexact=email,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__lte=now,
            ).update(revoked_at=now)
            invitation = Invitation.objects.create(
                digibank=digibank,
                email=email,
                role=role,
                organisation=organisation,
                invited_by=invited_by,
                expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
            )
            audit_log(
                actor=invited_by,
                action="digibank.invitation.created",
                obj=invitation,
                fields=["email", "role"],
            )
    except IntegrityError:
        raise DigibankError(
            _("%(email)s has already been invited and has not answered yet.") % {"email": email},
            field="email",
        ) from None
    if accept_url_builder is not None:
        url = accept_url_builder(invitation)
        transaction.on_commit(lambda: _send_invitation_mail(invitation, url))
    return invitation


def _send_invitation_mail(invitation: Invitation, url: str) -> None:
    context = {"invitation": invitation, "url": url}
    send_mail(
        subject=render_to_string("digibank/email/invitation_subject.txt", context).strip(),
        message=render_to_string("digibank/email/invitation_body.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_check_open(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise DigibankError(
            _("This invitation has already been used. Log in with your e-mail address.")
        )
    if invitation.revoked_at is not None:
        raise DigibankError(_("This invitation was withdrawn. Ask your coordinator for a new one."))
    if invitation.is_expired:
        raise DigibankError(_("This invitation has expired. Ask your coordinator for a new one."))


def invitation_accept(
    *, token: str, name: str = "", password: str | None = None, user: User | None = None
) -> Membership:
    """Turn an open invitation into a membership: for a new account (name and password) or for
    the logged-in `user` whose e-mail address it was sent to."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("digibank")
            .filter(token=token)
            .first()
        )
        if invitation is None:
            raise DigibankError(_("This invitation link is not valid."))
        invitation_check_open(invitation)
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise DigibankError(
                    _(
                        "There is already an account for %(email)s. "
                        "Log in first, then open the link again."
                    )
                    % {"email": invitation.email}
                )
            if not name.strip():
                raise DigibankError(_("Fill in your name."), field="name")
            candidate = User(email=invitation.email, name=name.strip())
            try:
                validate_password(password or "", user=candidate)
            except ValidationError as error:
                raise DigibankError(" ".join(error.messages), field="password") from None
            user = User.objects.create_user(
                email=invitation.email, password=password, name=name.strip()
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        elif user.email.lower() != invitation.email.lower():
            raise DigibankError(_("This invitation was sent to another e-mail address."))
        membership, created = Membership.objects.get_or_create(
            user=user,
            digibank=invitation.digibank,
            defaults={"role": invitation.role, "organisation": invitation.organisation},
        )
        if not created:
            raise DigibankError(_("You are already a member of this digibank."))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(
            actor=user,
            action="digibank.membership.created",
            obj=membership,
            digibank=invitation.digibank,
            fields=["role"],
            data={"invitation": invitation.pk},
        )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DigibankError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="digibank.invitation.revoked", obj=invitation)


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor: User,
    role: str,
    active: bool,
    organisation: Organisation | None = None,
) -> Membership:
    if membership.user_id == actor.pk and (role != membership.role or not active):
        raise DigibankError(_("You cannot change your own role. Ask another coordinator."))
    if role == Role.DEPARTMENT:
        raise DigibankError(_("Department staff are not members of a digibank."), field="role")
    if organisation is not None and organisation.digibank_id != membership.digibank_id:
        raise DigibankError(_("Choose an organisation of your own digibank."), field="organisation")
    before = snapshot(membership, ["role", "active", "organisation"])
    membership.role, membership.active, membership.organisation = role, active, organisation
    membership.save(update_fields=["role", "active", "organisation"])
    audit_log(
        actor=actor,
        action="digibank.membership.changed",
        obj=membership,
        fields=changed_fields(membership, before, ["role", "active", "organisation"]),
    )
    return membership


def member_create(
    *,
    email: str,
    password: str,
    role: str,
    digibank: Digibank | None,
    name: str = "",
    organisation: Organisation | None = None,
) -> Membership:
    """Used by commands and the demo: an account with a verified address and a membership."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, name=name)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        membership = Membership.objects.create(
            user=user, digibank=digibank, role=role, organisation=organisation
        )
        audit_log(
            actor=None, action="digibank.membership.created", obj=membership, digibank=digibank
        )
    return membership
