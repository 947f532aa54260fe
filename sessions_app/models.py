"""Group training (activities, sessions, enrolments, attendance) and individual support at a
digipunt (opening hours, appointments, walk-ins, home visits).

Enrolment is per *activity* for a course series (the same group follows every session) and per
*session* for the other kinds (each date has its own list). Seats and appointment places are
numbered; a partial unique constraint on the number makes it impossible for two people to hold
the same (last) seat, whatever the application does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from digibank.models import Digibank, Location, Organisation, Role
from registration.models import Participation, Visitor


class TrainingKind(models.TextChoices):
    """The kinds of group training; the values match `registration.models.ActivityKind`."""

    WORKSHOP = "workshop", _("Workshop")
    INFO_SESSION = "info_session", _("Info session")
    COURSE_SERIES = "course_series", _("Course series")
    DIGICAFE = "digicafe", _("Digicafé")


class SignUp(models.TextChoices):
    REQUIRED = "required", _("Sign-up required")
    OPTIONAL = "optional", _("Sign-up possible, not required")
    NONE = "none", _("No sign-up, just come")


class Theme(models.Model):
    """One theme of a digibank's catalogue (itsme, MyMinfin, safe online, ...)."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                "digibank", Lower("name"), name="theme_name_unique_per_digibank"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """A workshop, info session, course series or digicafé, with one or more sessions."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=150)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    description = models.TextField(_("what you learn"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="activities"
    )
    capacity = models.PositiveSmallIntegerField(
        _("number of seats"),
        null=True,
        blank=True,
        help_text=_("Empty means no limit (only without sign-up)."),
    )
    signup = models.CharField(
        _("sign-up"), max_length=10, choices=SignUp.choices, default=SignUp.REQUIRED
    )
    audience_notes = models.CharField(
        _("level and audience"),
        max_length=255,
        blank=True,
        help_text=_("For example: for beginners, bring your own smartphone, simple Dutch."),
    )
    price = models.DecimalField(
        _("price (euro)"), max_digits=6, decimal_places=2, default=0, help_text=_("0 is free.")
    )
    published = models.BooleanField(_("on the public programme"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="activity_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=False) | Q(signup="none"),
                name="activity_capacity_needed_for_signup",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="activity_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_series(self) -> bool:
        return self.kind == TrainingKind.COURSE_SERIES

    @property
    def takes_enrolments(self) -> bool:
        return self.signup != SignUp.NONE


class Session(models.Model):
    """One date of an activity. A course series has several sessions with the same group."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only if not at the activity's usual location."),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["digibank", "starts_at"], name="session_day_idx")]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def place(self) -> Location:
        return self.location or self.activity.location


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_ENROLMENT = Q(status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING])


class Enrolment(models.Model):
    """A visitor's seat (or place on the waiting list) for a session, or for a whole series.

    `enrolled_by` is the *inschrijver*; `enrolled_by_role` keeps their role at that moment."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="enrolments"
    )
    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    enrolled_by_role = models.CharField(
        _("enrolled by (role)"), max_length=20, choices=Role.choices
    )
    referrer_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "id"]
        constraints = [
            # One seat holder per seat number: two people can never take the same last seat.
            models.UniqueConstraint(
                fields=["session", "seat"],
                name="enrolment_seat_unique_per_session",
                condition=Q(status="enrolled", session__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["activity", "seat"],
                name="enrolment_seat_unique_per_series",
                condition=Q(status="enrolled", session__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["session", "visitor"],
                name="enrolment_once_per_session",
                condition=ACTIVE_ENROLMENT & Q(session__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["activity", "visitor"],
                name="enrolment_once_per_series",
                condition=ACTIVE_ENROLMENT & Q(session__isnull=True),
            ),
            models.CheckConstraint(
                condition=(Q(status="enrolled") & Q(seat__gte=1))
                | (~Q(status="enrolled") & Q(seat__isnull=True)),
                name="enrolment_seat_iff_enrolled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} - {self.session or self.activity}"


class Attendance(models.Model):
    """Someone present at a session: a registered visitor, or the n-th anonymous walk-in."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    anonymous_number = models.PositiveSmallIntegerField(null=True, blank=True)
    participation = models.ForeignKey(
        Participation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "visitor"],
                name="attendance_once_per_visitor",
                condition=Q(visitor__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["session", "anonymous_number"],
                name="attendance_anonymous_number_unique",
                condition=Q(anonymous_number__isnull=False),
            ),
            models.CheckConstraint(
                condition=(Q(visitor__isnull=False) & Q(anonymous_number__isnull=True))
                | (Q(visitor__isnull=True) & Q(anonymous_number__gte=1)),
                name="attendance_visitor_or_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} - {self.visitor or self.anonymous_number}"


class ThemeWish(models.Model):
    """A wish for a future theme, noted at the end of a session ("3 people: online banking")."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="theme_wishes")
    text = models.CharField(_("wish"), max_length=150)
    count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theme wish")
        verbose_name_plural = _("theme wishes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="theme_wish_count_positive")
        ]

    def __str__(self) -> str:
        return self.text


# -- Digipunt ------------------------------------------------------------------------------------


class DeskMode(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    APPOINTMENT = "appointment", _("By appointment")
    BOTH = "both", _("Walk-in and by appointment")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """A weekly opening of a digipunt. Appointment slots are cut from the appointment hours;
    each slot has as many places as there are digihelpers on duty."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    mode = models.CharField(_("how"), max_length=12, choices=DeskMode.choices)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per appointment"), default=30)
    helpers_on_duty = models.PositiveSmallIntegerField(_("digihelpers on duty"), default=1)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["location", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="opening_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=480),
                name="opening_hours_slot_length",
            ),
            models.CheckConstraint(
                condition=Q(helpers_on_duty__gte=1), name="opening_hours_helpers_positive"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.get_weekday_display()} {self.start_time}-{self.end_time}"


class OpeningException(models.Model):
    """A closure (holiday, no digihelper) or other hours on one date; replaces that day's
    weekly hours."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="opening_exceptions"
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    mode = models.CharField(
        _("how"), max_length=12, choices=DeskMode.choices, default=DeskMode.BOTH
    )
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per appointment"), default=30)
    helpers_on_duty = models.PositiveSmallIntegerField(_("digihelpers on duty"), default=1)
    reason = models.CharField(_("reason"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="opening_exception_per_day"),
            models.CheckConstraint(
                condition=Q(closed=True)
                | Q(start_time__isnull=False, end_time__isnull=False, end_time__gt=F("start_time")),
                name="opening_exception_hours",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=480) & Q(helpers_on_duty__gte=1),
                name="opening_exception_slots",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.date}"


class AppointmentKind(models.TextChoices):
    DIGIPUNT = "digipunt", _("At the digipunt")
    HOME_VISIT = "home_visit", _("Home visit")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Came")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    """A visitor's appointment at a digipunt (one place in one slot) or a home visit."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=AppointmentKind.choices, default=AppointmentKind.DIGIPUNT
    )
    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    question = models.CharField(
        _("the question in one sentence"),
        max_length=200,
        help_text=_("So the digihelper can prepare. No passwords or sensitive details."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    address = models.CharField(_("address for the home visit"), max_length=255, blank=True)
    assigned_helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("digihelper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    booked_by_role = models.CharField(_("booked by (role)"), max_length=20, choices=Role.choices)
    referrer_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    participation = models.ForeignKey(
        Participation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "place"]
        constraints = [
            # One visitor per place in a slot: two bookings can never take the same last place.
            models.UniqueConstraint(
                fields=["location", "starts_at", "place"],
                name="appointment_place_unique",
                condition=Q(place__isnull=False) & ~Q(status="cancelled"),
            ),
            models.UniqueConstraint(
                fields=["digibank", "idempotency_key"],
                name="appointment_idempotency_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(kind="digipunt") & Q(place__gte=1))
                | (Q(kind="home_visit") & Q(place__isnull=True)),
                name="appointment_place_for_digipunt",
            ),
        ]
        indexes = [
            models.Index(fields=["location", "starts_at"], name="appointment_slot_idx"),
            models.Index(fields=["digibank", "starts_at"], name="appointment_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} {self.starts_at:%Y-%m-%d %H:%M}"


class Triage(models.TextChoices):
    SHORT = "short", _("Short question")
    LONG = "long", _("Long question")


class WalkInStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    HELPED = "helped", _("Helped")
    LEFT = "left", _("Left without help")


class WalkIn(models.Model):
    """Someone in the walk-in queue of a digipunt today, with a short triage of the question."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    visitor = models.ForeignKey(
        Visitor,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="walk_ins",
    )
    call_name = models.CharField(
        _("name or number to call"),
        max_length=40,
        blank=True,
        help_text=_("A first name or a ticket number, to call the person."),
    )
    arrived_at = models.DateTimeField(_("arrived at"))
    question = models.CharField(_("short question"), max_length=200, blank=True)
    triage = models.CharField(
        _("triage"), max_length=10, choices=Triage.choices, default=Triage.SHORT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WalkInStatus.choices, default=WalkInStatus.WAITING
    )
    participation = models.ForeignKey(
        Participation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")
        ordering = ["arrived_at", "id"]
        indexes = [models.Index(fields=["location", "arrived_at"], name="walk_in_day_idx")]

    def __str__(self) -> str:
        return f"{self.call_name or self.pk} {self.arrived_at:%H:%M}"


class ReminderSent(models.Model):
    """Marks a reminder as sent; the unique key makes `send_reminders` send each one once."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="reminder_sent_once")]

    def __str__(self) -> str:
        return self.key
