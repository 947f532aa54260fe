"""Visitors and the participation ledger: every service moment is one `Participation`."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digibank.models import Digibank, Location, Organisation


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    X = "x", _("X")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    DUTCH = "dutch", _("Dutch-speaking")
    OTHER = "other", _("Other language")
    UNKNOWN = "unknown", _("Unknown")


class Education(models.TextChoices):
    ISCED_0_2 = "isced_0_2", _("At most lower secondary (ISCED 0-2)")
    ISCED_3_4 = "isced_3_4", _("Upper secondary (ISCED 3-4)")
    ISCED_5_8 = "isced_5_8", _("Higher education (ISCED 5-8)")
    UNKNOWN = "unknown", _("Unknown")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    JOB_SEEKER = "job_seeker", _("Job seeker")
    RETIRED = "retired", _("Retired")
    UNABLE_TO_WORK = "unable_to_work", _("Unable to work")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class TargetGroupAnswer(models.TextChoices):
    GIVEN = "given", _("Answered")
    UNKNOWN = "unknown", _("Unknown")
    DECLINED = "declined", _("Prefers not to say")


class FormOfService(models.TextChoices):
    INDIVIDUAL_SUPPORT = "individual_support", _("Individual support")
    TRAINING = "training", _("Training")
    LENDING = "lending", _("Lending")
    COMPUTER_ROOM = "computer_room", _("Computer room")


class ActivityKind(models.TextChoices):
    DIGIPUNT_WALK_IN = "digipunt_walk_in", _("Digipunt, walk-in")
    DIGIPUNT_APPOINTMENT = "digipunt_appointment", _("Digipunt, by appointment")
    HOME_VISIT = "home_visit", _("Home visit")
    WORKSHOP = "workshop", _("Workshop")
    INFO_SESSION = "info_session", _("Info session")
    COURSE_SERIES = "course_series", _("Course series")
    DIGICAFE = "digicafe", _("Digicafé")
    LOAN = "loan", _("Loan")
    COMPUTER_ROOM = "computer_room", _("Computer room")
    OTHER = "other", _("Other")


class ReferrerChannel(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OCMW = "ocmw", _("OCMW / social services")
    LIBRARY = "library", _("Library")
    VDAB = "vdab", _("VDAB")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    FLYER = "flyer", _("Flyer")
    WEBSITE = "website", _("Website")
    MUNICIPAL_LETTER = "municipal_letter", _("Municipal letter")
    INTERNAL_REFERRAL = "internal_referral", _("Internal referral")
    SELF = "self", _("Came on their own")
    UNKNOWN = "unknown", _("Unknown")


class TargetGroup(models.Model):
    """One of a digibank's target groups (doelgroepen); seeded with the department's five and
    the usual local ones (see `registration.hooks`)."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="target_groups")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    is_department_group = models.BooleanField(_("named by the department"), default=False)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["digibank", "code"], name="target_group_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ConsentText(models.Model):
    """A version of the consent text a digibank shows when registering a visitor."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="consent_texts")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["digibank", "version"], name="consent_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.digibank} v{self.version}"


class Visitor(models.Model):
    """A person with a digital question or a wish to learn. Only the four identity fields are
    required; every profile field allows "unknown"."""

    digibank = models.ForeignKey(Digibank, on_delete=models.PROTECT, related_name="visitors")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True)
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, help_text=_("Empty means unknown.")
    )
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.UNKNOWN
    )
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, default=Education.UNKNOWN
    )
    employment = models.CharField(
        _("employment status"),
        max_length=20,
        choices=Employment.choices,
        default=Employment.UNKNOWN,
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="visitors"
    )
    target_groups_answer = models.CharField(
        _("target groups answered"),
        max_length=10,
        choices=TargetGroupAnswer.choices,
        default=TargetGroupAnswer.UNKNOWN,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_text = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visitor_code = models.CharField(_("visitor code"), max_length=8)
    pseudonymous_code = models.CharField(_("pseudonymous code"), max_length=24, db_index=True)
    # Folded forms for search and duplicate detection (see registration.identity).
    search_text = models.CharField(max_length=255, blank=True, editable=False)
    norm_first_name = models.CharField(max_length=100, blank=True, editable=False)
    norm_last_name = models.CharField(max_length=100, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_visitors"
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    # Refuses a second save of the same registration form (double submit).
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["digibank", "visitor_code"], name="visitor_code_unique"
            ),
            models.UniqueConstraint(
                fields=["digibank", "idempotency_key"],
                name="visitor_idempotency_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="visitor_birth_year_range",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[1-9][0-9]{3}$"),
                name="visitor_postcode_belgian",
            ),
        ]
        indexes = [
            models.Index(fields=["digibank", "birth_year"], name="visitor_birth_year_idx"),
            models.Index(fields=["digibank", "norm_last_name"], name="visitor_norm_last_idx"),
            models.Index(fields=["digibank", "postcode"], name="visitor_postcode_idx"),
        ]

    def __str__(self) -> str:
        if self.erased_at or self.anonymised_at:
            return f"#{self.visitor_code}"
        return f"{self.first_name} {self.last_name} ({self.birth_year or '?'})"

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None


class Participation(models.Model):
    """One service moment: the row every indicator counts. Anonymous when `visitor` is None."""

    digibank = models.ForeignKey(Digibank, on_delete=models.PROTECT, related_name="participations")
    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, null=True, blank=True, related_name="participations"
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    occurred_at = models.DateTimeField(_("date and time"))
    occurred_on = models.DateField(_("date"), editable=False)
    form_of_service = models.CharField(
        _("form of service"), max_length=20, choices=FormOfService.choices
    )
    activity_kind = models.CharField(
        _("kind of activity"), max_length=24, choices=ActivityKind.choices, blank=True
    )
    activity_name = models.CharField(_("activity"), max_length=150, blank=True)
    # What produced this participation (an attendance, appointment, loan ...), if anything.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_event = models.CharField(max_length=20, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    referrer_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred by (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_participations",
    )
    referrer_channel = models.CharField(
        _("referred by (channel)"),
        max_length=20,
        choices=ReferrerChannel.choices,
        default=ReferrerChannel.UNKNOWN,
    )
    reported_returning = models.BooleanField(
        _("took part before (as noted)"), null=True, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Refuses a second save of the same form, and a second import of the same row.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["digibank", "idempotency_key"],
                name="participation_idempotency_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id", "source_event"],
                name="participation_source_unique",
                condition=Q(source_id__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["digibank", "occurred_on"], name="participation_day_idx"),
            models.Index(fields=["visitor", "occurred_on"], name="participation_visitor_idx"),
            models.Index(fields=["location", "occurred_on"], name="participation_location_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_of_service_display()} {self.occurred_on}"


class HelpCategory(models.Model):
    """The national taxonomy of help questions (seeded by a data migration)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Solved")
    PARTLY = "partly", _("Partly solved")
    FOLLOW_UP = "follow_up", _("Follow-up appointment")
    REFERRED_EXTERNAL = "referred_external", _("Referred to another organisation")
    REFERRED_INTERNAL = "referred_internal", _("Referred within the digibank")
    # Only for questions brought in from old registrations, which did not note the outcome.
    UNKNOWN = "unknown", _("Unknown")


class InternalDestination(models.TextChoices):
    DIGIPUNT = "individual_support", _("Digipunt / appointment")
    TRAINING = "training", _("Workshop or course")
    LENDING = "lending", _("Lending service")
    COMPUTER_ROOM = "computer_room", _("Computer room")


class HelpQuestion(models.Model):
    """What was asked at an individual-support participation, and what came of it."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="help_questions"
    )
    categories = models.ManyToManyField(
        HelpCategory, verbose_name=_("categories"), related_name="questions"
    )
    concerned_service = models.CharField(_("service or app concerned"), max_length=100, blank=True)
    concerned_service_key = models.CharField(
        max_length=100, blank=True, db_index=True, editable=False
    )
    has_content_side = models.BooleanField(
        _("also a question about content"),
        default=False,
        help_text=_("Not only how the app works, but also the matter itself (taxes, health, ...)."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.SOLVED
    )
    referred_to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referred_to_text = models.CharField(_("referred to (other)"), max_length=150, blank=True)
    referred_internal_to = models.CharField(
        _("referred internally to"), max_length=20, choices=InternalDestination.choices, blank=True
    )
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    note = models.CharField(_("short note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("help question")
        verbose_name_plural = _("help questions")

    def __str__(self) -> str:
        return self.concerned_service or str(self.pk)


class VisitorMerge(models.Model):
    """A merge of `merged` into `survivor`, with what it moved, so that it can be undone."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="merges_absorbed")
    moved_participation_ids = models.JSONField(default=list)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"


def _import_file_root():
    from pathlib import Path

    root = getattr(settings, "IMPORT_FILE_ROOT", None)
    return Path(root) if root else Path(settings.MEDIA_ROOT).parent / "imports"


class ImportFileStorage(FileSystemStorage):
    """Uploaded legacy files: outside MEDIA_ROOT and never given a URL (not on the web)."""

    @property
    def base_location(self):
        return str(_import_file_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Uploaded import files are not served on the web.")


def import_file_storage():
    return ImportFileStorage()


def import_file_path(batch: ImportBatch, filename: str) -> str:
    import uuid

    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"digibank_{batch.digibank_id}/{uuid.uuid4().hex}{suffix}"


class ImportBatch(models.Model):
    """A legacy file uploaded by a coordinator: previewed (dry run), then imported or not.

    The file is kept between the two steps in a storage that is not served on the web, and
    removed once the import is done."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(storage=import_file_storage, upload_to=import_file_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
