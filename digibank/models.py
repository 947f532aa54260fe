"""The core: users, digibanks, their locations and partner organisations, members and roles,
invitations and the one audit log."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: digihelper, coordinator, referrer or department staff."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("site administrator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Digibank(models.Model):
    """A local partnership funded by the department (WEWIS) to reach at least `target` people."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    municipalities = models.JSONField(_("municipalities served"), default=list, blank=True)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    target_unique_visitors = models.PositiveIntegerField(
        _("target of unique visitors"), default=1000
    )
    retention_months = models.PositiveSmallIntegerField(
        _("retention period (months)"),
        default=36,
        help_text=_("Visitors with no participation for this long are anonymised."),
    )
    privacy_contact = models.CharField(
        _("privacy contact"),
        max_length=255,
        blank=True,
        help_text=_("Who visitors and partners can ask for a copy or erasure of their data."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("digibank")
        verbose_name_plural = _("digibanks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A partner or referring organisation (toeleider) of a digibank."""

    class Type(models.TextChoices):
        SOCIAL_SERVICES = "social_services", _("OCMW / social services")
        LIBRARY = "library", _("Library")
        VDAB = "vdab", _("VDAB")
        ADULT_EDUCATION = "adult_education", _("Adult education (Ligo, CVO)")
        POVERTY_ORGANISATION = "poverty_organisation", _("Poverty organisation")
        SOCIAL_ECONOMY = "social_economy", _("Social-economy company")
        MUNICIPALITY = "municipality", _("Municipality")
        OTHER = "other", _("Other")

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=150)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.OTHER)
    is_partner = models.BooleanField(_("partner of the digibank"), default=False)
    is_referrer = models.BooleanField(_("refers visitors"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "digibank", Lower("name"), name="organisation_name_unique_per_digibank"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A digipunt or another place where the digibank works."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed digipunt")
        MOBILE = "mobile", _("Mobile desk")
        POPUP = "popup", _("Pop-up")
        HOME_VISITS = "home_visits", _("Home visits")
        ONLINE = "online", _("Online")

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FIXED)
    address = models.CharField(_("address"), max_length=255, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_locations",
    )
    opening_notes = models.TextField(_("opening notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["digibank", "slug"], name="location_slug_unique_per_digibank"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Digihelper")
    COORDINATOR = "coordinator", _("Coordinator")
    REFERRER = "referrer", _("Referrer")
    DEPARTMENT = "department", _("Department staff")


# Roles that must log in with a second factor.
MFA_ROLES = frozenset({Role.COORDINATOR, Role.DEPARTMENT})


class Membership(models.Model):
    """A user's role in a digibank.

    Department staff have no digibank: they see all digibanks, in aggregate only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    digibank = models.ForeignKey(
        Digibank, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("For referrers: the organisation they work for."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "digibank"],
                name="membership_unique_per_digibank",
                condition=Q(digibank__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user"],
                name="department_membership_unique",
                condition=Q(digibank__isnull=True),
            ),
            models.CheckConstraint(
                condition=Q(role="department", digibank__isnull=True)
                | (~Q(role="department") & Q(digibank__isnull=False)),
                name="membership_department_has_no_digibank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.digibank or '*'}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A coordinator's invitation to a new member; valid for INVITATION_VALID_DAYS days."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "digibank",
                Lower("email"),
                name="invitation_one_open_per_email",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
            ),
            models.CheckConstraint(
                condition=~Q(role="department"), name="invitation_not_for_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.digibank})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class AuditLogEntry(models.Model):
    """Who created, changed, viewed or deleted which record, when, and which fields.

    Field *values* are never stored here: the log must not become a second copy of
    personal data that survives an erasure.
    """

    digibank = models.ForeignKey(
        Digibank, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changed_fields = models.JSONField(_("fields"), default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="audit_object_idx"
            ),
            models.Index(fields=["digibank", "-created_at"], name="audit_digibank_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
