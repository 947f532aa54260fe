"""Every write of training and digipunt appointments.

Seats and slot places are taken under `select_for_update` on the session, series (activity) or
location row; a partial unique constraint on the seat/place number backs this up in the
database. E-mails go out on commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digibank.audit import audit_log
from digibank.models import Digibank, Location, Membership, Organisation, Role
from registration.models import FormOfService, ReferrerChannel, Visitor
from registration.services import (
    participation_cancel,
    participation_record,
)
from sessions_app import slots as slot_rules
from sessions_app.exceptions import SessionsError
from sessions_app.models import (
    ACTIVE_ENROLMENT,
    Activity,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Attendance,
    DeskMode,
    Enrolment,
    EnrolmentStatus,
    OpeningException,
    OpeningHours,
    ReminderSent,
    Session,
    SignUp,
    Theme,
    ThemeWish,
    TrainingKind,
    Triage,
    WalkIn,
    WalkInStatus,
)

logger = logging.getLogger(__name__)

CHANNEL_BY_ORGANISATION_TYPE = {
    Organisation.Type.SOCIAL_SERVICES: ReferrerChannel.OCMW,
    Organisation.Type.LIBRARY: ReferrerChannel.LIBRARY,
    Organisation.Type.VDAB: ReferrerChannel.VDAB,
}


def _same_digibank(digibank: Digibank, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.digibank_id != digibank.pk:
            raise SessionsError(_("This record belongs to another digibank."))


def _referrer_channel(organisation: Organisation | None) -> str:
    if organisation is None:
        return ReferrerChannel.UNKNOWN
    return CHANNEL_BY_ORGANISATION_TYPE.get(organisation.type, ReferrerChannel.SOCIAL_WORKER)


def _referrer_organisation(membership: Membership | None) -> Organisation | None:
    if membership is not None and membership.role == Role.REFERRER:
        return membership.organisation
    return None


def _mail_visitor(visitor_id: int, template: str, context: dict) -> None:
    """Send a plain-text e-mail in Dutch to a visitor who gave an address (after commit)."""
    visitor = Visitor.objects.filter(pk=visitor_id).first()
    if visitor is None or not visitor.email or visitor.erased_at or visitor.anonymised_at:
        return
    with translation.override("nl-be"):
        context = {**context, "visitor": visitor}
        subject = render_to_string(f"sessions_app/email/{template}_subject.txt", context)
        body = render_to_string(f"sessions_app/email/{template}_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [visitor.email])
    except OSError:
        logger.exception("Could not send the %s e-mail to visitor %s", template, visitor_id)


# -- Themes and activities -----------------------------------------------------------------------


def theme_create(*, digibank: Digibank, name: str, actor: Any, order: int = 100) -> Theme:
    name = name.strip()
    if not name:
        raise SessionsError(_("Give the theme a name."), field="name")
    if Theme.objects.filter(digibank=digibank, name__iexact=name).exists():
        raise SessionsError(_("This theme exists already."), field="name")
    with transaction.atomic():
        theme = Theme.objects.create(digibank=digibank, name=name[:100], order=order)
        audit_log(actor=actor, action="sessions_app.theme.created", obj=theme)
    return theme


ACTIVITY_FIELDS = (
    "kind",
    "title",
    "theme",
    "description",
    "organisation",
    "location",
    "capacity",
    "signup",
    "audience_notes",
    "price",
    "published",
)


def activity_save(
    *,
    digibank: Digibank,
    actor: Any,
    activity: Activity | None = None,
    kind: str,
    title: str,
    location: Location,
    signup: str = SignUp.REQUIRED,
    capacity: int | None = None,
    theme: Theme | None = None,
    organisation: Organisation | None = None,
    description: str = "",
    audience_notes: str = "",
    price: Decimal | int = 0,
    published: bool = True,
) -> Activity:
    """Create or change an activity. Capacity must be at least 1; only "no sign-up" may go
    without a limit."""
    _same_digibank(digibank, location, theme, organisation, activity)
    if kind not in TrainingKind.values:
        raise SessionsError(_("Choose the kind of activity."), field="kind")
    if signup not in SignUp.values:
        raise SessionsError(_("Choose how people sign up."), field="signup")
    if not title.strip():
        raise SessionsError(_("Give the activity a title."), field="title")
    if capacity is not None and capacity < 1:
        raise SessionsError(_("The number of seats must be 1 or more."), field="capacity")
    if capacity is None and signup != SignUp.NONE:
        raise SessionsError(_("With sign-up, say how many seats there are."), field="capacity")
    if price is None or Decimal(price) < 0:
        raise SessionsError(_("The price cannot be negative."), field="price")
    values = {
        "kind": kind,
        "title": title.strip(),
        "theme": theme,
        "description": description.strip(),
        "organisation": organisation,
        "location": location,
        "capacity": capacity,
        "signup": signup,
        "audience_notes": audience_notes.strip(),
        "price": Decimal(price),
        "published": published,
    }
    with transaction.atomic():
        if activity is None:
            activity = Activity.objects.create(digibank=digibank, created_by=actor, **values)
            audit_log(actor=actor, action="sessions_app.activity.created", obj=activity)
            return activity
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if kind != activity.kind and activity.enrolments.exists():
            raise SessionsError(
                _("People are enrolled already: the kind can no longer change."), field="kind"
            )
        if capacity is not None:
            taken = _max_seats_taken(activity)
            if capacity < taken:
                raise SessionsError(
                    _("%(n)s people have a seat already: the number of seats cannot be lower.")
                    % {"n": taken},
                    field="capacity",
                )
        more_seats = capacity is not None and (activity.capacity or 0) < capacity
        changed = [name for name in ACTIVITY_FIELDS if getattr(activity, name) != values[name]]
        for name, value in values.items():
            setattr(activity, name, value)
        activity.save()
        audit_log(actor=actor, action="sessions_app.activity.changed", obj=activity, fields=changed)
        if more_seats:
            _promote_after_more_seats(activity, actor)
    return activity


def _promote_after_more_seats(activity: Activity, actor: Any) -> None:
    """More seats: the waiting lists of the dates to come move up (the activity is locked)."""
    if activity.is_series:
        _fill_from_waiting_list(
            activity, Enrolment.objects.filter(activity=activity, session__isnull=True), actor
        )
        return
    sessions = Session.objects.filter(
        activity=activity,
        starts_at__gt=timezone.now(),
        enrolments__status=EnrolmentStatus.WAITING,
    ).distinct()
    for session in sessions:
        _fill_from_waiting_list(activity, _lock_scope(activity, session), actor)


def _max_seats_taken(activity: Activity) -> int:
    from django.db.models import Count

    counts = (
        Enrolment.objects.filter(activity=activity, status=EnrolmentStatus.ENROLLED)
        .values("session_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    return max(counts, default=0)


def session_create(
    *,
    activity: Activity,
    actor: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: Location | None = None,
) -> Session:
    """Plan a date of an activity; never in the past and never ending before it starts."""
    _same_digibank(activity.digibank, location)
    if ends_at <= starts_at:
        raise SessionsError(_("The end must be after the start."), field="ends_at")
    if starts_at < timezone.now():
        raise SessionsError(_("This date is in the past. Choose a date to come."), field="date")
    if ends_at - starts_at > dt.timedelta(hours=12):
        raise SessionsError(_("A session lasts at most 12 hours."), field="ends_at")
    with transaction.atomic():
        session = Session.objects.create(
            digibank_id=activity.digibank_id,
            activity=activity,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location if location and location != activity.location else None,
        )
        audit_log(actor=actor, action="sessions_app.session.created", obj=session)
    return session


def session_cancel(*, session: Session, actor: Any) -> Session:
    """Cancel a date: it leaves the programme; people keep their enrolment record."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.cancelled_at is None:
            session.cancelled_at = timezone.now()
            session.save(update_fields=["cancelled_at"])
            audit_log(actor=actor, action="sessions_app.session.cancelled", obj=session)
    return session


# -- Enrolments ----------------------------------------------------------------------------------


def _lock_scope(activity: Activity, session: Session | None):
    """Lock the row that guards the seats: the series (activity) or the one session."""
    if session is None:
        Activity.objects.select_for_update().get(pk=activity.pk)
        return Enrolment.objects.filter(activity=activity, session__isnull=True)
    Session.objects.select_for_update().get(pk=session.pk)
    return Enrolment.objects.filter(session=session)


def _first_free_seat(taken: set[int]) -> int:
    seat = 1
    while seat in taken:
        seat += 1
    return seat


def enrolment_create(
    *,
    activity: Activity,
    visitor: Visitor,
    actor: Any,
    membership: Membership | None,
    session: Session | None = None,
) -> Enrolment:
    """Give `visitor` a seat, or a place on the waiting list when all seats are taken.

    For a course series the enrolment is for the whole series (`session` must be None);
    for the other kinds it is for one session."""
    _same_digibank(activity.digibank, visitor, session)
    if session is not None and session.activity_id != activity.pk:
        raise SessionsError(_("This date belongs to another activity."))
    if not activity.takes_enrolments:
        raise SessionsError(_("For this activity people just come; there is no sign-up."))
    if visitor.merged_into_id is not None or visitor.erased_at or visitor.anonymised_at:
        raise SessionsError(_("This visitor record is no longer in use."))
    now = timezone.now()
    if activity.is_series:
        session = None
        if not activity.sessions.filter(cancelled_at__isnull=True, starts_at__gt=now).exists():
            raise SessionsError(_("This series has no dates to come; enrolment is closed."))
    else:
        if session is None:
            raise SessionsError(_("Choose a date."), field="session")
        if session.cancelled_at is not None:
            raise SessionsError(_("This date has been cancelled."), field="session")
        if session.starts_at <= now:
            raise SessionsError(_("This date is in the past."), field="session")
    role = membership.role if membership else Role.COORDINATOR
    referrer_org = _referrer_organisation(membership)
    with transaction.atomic():
        scope = _lock_scope(activity, session)
        if scope.filter(ACTIVE_ENROLMENT, visitor=visitor).exists():
            raise SessionsError(_("This person is enrolled or on the waiting list already."))
        taken = set(scope.filter(status=EnrolmentStatus.ENROLLED).values_list("seat", flat=True))
        full = activity.capacity is not None and len(taken) >= activity.capacity
        enrolment = Enrolment(
            digibank_id=activity.digibank_id,
            activity=activity,
            session=session,
            visitor=visitor,
            status=EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED,
            seat=None if full else _first_free_seat(taken),
            enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
            enrolled_by_role=role,
            referrer_organisation=referrer_org,
        )
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            raise SessionsError(
                _("Someone else was enrolled at the same moment. Please try again.")
            ) from None
        audit_log(
            actor=actor,
            action="sessions_app.enrolment.created",
            obj=enrolment,
            data={"status": enrolment.status},
        )
    return enrolment


def enrolment_cancel(*, enrolment: Enrolment, actor: Any) -> Enrolment | None:
    """Cancel a seat or a place on the waiting list. A freed seat goes to the first person
    waiting, in the same transaction; they get an e-mail after commit. Returns that person's
    enrolment, if any."""
    with transaction.atomic():
        scope = _lock_scope(enrolment.activity, enrolment.session)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == EnrolmentStatus.CANCELLED:
            raise SessionsError(_("This enrolment was cancelled already."))
        freed_seat = enrolment.seat
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.seat = None
        enrolment.cancelled_at = timezone.now()
        enrolment.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
        enrolment.save(update_fields=["status", "seat", "cancelled_at", "cancelled_by"])
        audit_log(actor=actor, action="sessions_app.enrolment.cancelled", obj=enrolment)
        promoted = None
        if freed_seat is not None:
            moved = _fill_from_waiting_list(enrolment.activity, scope, actor)
            promoted = moved[0] if moved else None
    return promoted


def _fill_from_waiting_list(activity: Activity, scope, actor: Any) -> list[Enrolment]:
    """Give free seats to the people waiting longest (the caller holds the scope's lock).
    Each promoted person gets an e-mail after commit."""
    taken = set(scope.filter(status=EnrolmentStatus.ENROLLED).values_list("seat", flat=True))
    waiting = list(
        scope.select_for_update()
        .filter(status=EnrolmentStatus.WAITING)
        .order_by("created_at", "id")
    )
    promoted = []
    for enrolment in waiting:
        if activity.capacity is not None and len(taken) >= activity.capacity:
            break
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.seat = _first_free_seat(taken)
        enrolment.promoted_at = timezone.now()
        enrolment.save(update_fields=["status", "seat", "promoted_at"])
        taken.add(enrolment.seat)
        audit_log(actor=actor, action="sessions_app.enrolment.promoted", obj=enrolment)
        transaction.on_commit(
            lambda pk=enrolment.pk, visitor_id=enrolment.visitor_id: _mail_visitor(
                visitor_id,
                "promoted",
                {
                    "enrolment": Enrolment.objects.select_related(
                        "activity__location", "session"
                    ).get(pk=pk)
                },
            )
        )
        promoted.append(enrolment)
    return promoted


# -- Attendance ----------------------------------------------------------------------------------


def _check_roll_call_day(session: Session) -> None:
    if timezone.localtime(session.starts_at).date() > timezone.localdate():
        raise SessionsError(_("You can take attendance from the day of the session on."))
    if session.cancelled_at is not None:
        raise SessionsError(_("This date has been cancelled."))


def _record_training(attendance: Attendance, session: Session, actor: Any, key=None, org=None):
    activity = session.activity
    participation = participation_record(
        digibank=activity.digibank,
        form_of_service=FormOfService.TRAINING,
        occurred_at=session.starts_at,
        visitor=attendance.visitor,
        location=session.place,
        actor=actor,
        source=attendance,
        source_event="attended",
        activity_kind=activity.kind,
        activity_name=activity.title,
        referrer_organisation=org,
        referrer_channel=_referrer_channel(org),
        idempotency_key=key,
    )
    attendance.participation = participation
    attendance.save(update_fields=["participation"])
    return participation


def _attendance_remove(attendance: Attendance, actor: Any) -> None:
    participation = attendance.participation
    if participation is not None:
        participation_cancel(participation=participation, actor=actor)
    attendance.delete()


def roll_call_save(
    *,
    session: Session,
    actor: Any,
    listed_visitor_ids: set[int],
    present_visitor_ids: set[int],
) -> tuple[int, int]:
    """Save the ticks of the roll call: a tick writes a training participation, an untick
    removes it. Only visitors that were on the list are touched. Returns (added, removed)."""
    _check_roll_call_day(session)
    present_visitor_ids = present_visitor_ids & listed_visitor_ids
    added = removed = 0
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)
        existing = {
            a.visitor_id: a
            for a in Attendance.objects.filter(
                session=session, visitor_id__in=listed_visitor_ids
            ).select_related("participation")
        }
        visitors = Visitor.objects.filter(
            digibank_id=session.digibank_id, pk__in=present_visitor_ids - set(existing)
        ).in_bulk()
        orgs = _enrolment_referrers(session, set(visitors))
        for visitor_id, visitor in visitors.items():
            attendance = Attendance.objects.create(
                digibank_id=session.digibank_id, session=session, visitor=visitor, recorded_by=actor
            )
            _record_training(attendance, session, actor, org=orgs.get(visitor_id))
            added += 1
        for visitor_id, attendance in existing.items():
            if visitor_id not in present_visitor_ids:
                _attendance_remove(attendance, actor)
                removed += 1
    return added, removed


def _enrolment_referrers(session: Session, visitor_ids: set[int]) -> dict[int, Organisation]:
    enrolments = (
        Enrolment.objects.filter(visitor_id__in=visitor_ids, referrer_organisation__isnull=False)
        .filter(Q(session=session) | Q(activity_id=session.activity_id, session__isnull=True))
        .select_related("referrer_organisation")
    )
    return {e.visitor_id: e.referrer_organisation for e in enrolments}


def attendance_add_walk_in(*, session: Session, visitor: Visitor, actor: Any) -> Attendance:
    """Someone who was not on the list came anyway (found by name or code)."""
    _same_digibank(session.activity.digibank, visitor)
    _check_roll_call_day(session)
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)
        attendance = Attendance.objects.filter(session=session, visitor=visitor).first()
        if attendance is not None:
            return attendance
        attendance = Attendance.objects.create(
            digibank_id=session.digibank_id, session=session, visitor=visitor, recorded_by=actor
        )
        _record_training(attendance, session, actor)
    return attendance


def attendance_set_anonymous(*, session: Session, count: int, actor: Any) -> int:
    """Set the number of anonymous walk-ins: one anonymous participation per head."""
    if count < 0 or count > 500:
        raise SessionsError(_("Give a number between 0 and 500."), field="count")
    _check_roll_call_day(session)
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)
        existing = {
            a.anonymous_number: a
            for a in Attendance.objects.filter(
                session=session, anonymous_number__isnull=False
            ).select_related("participation")
        }
        for number in range(1, count + 1):
            if number in existing:
                continue
            attendance = Attendance.objects.create(
                digibank_id=session.digibank_id,
                session=session,
                anonymous_number=number,
                recorded_by=actor,
            )
            _record_training(attendance, session, actor, key=f"session-{session.pk}-anon-{number}")
        for number, attendance in existing.items():
            if number > count:
                _attendance_remove(attendance, actor)
    return count


def theme_wish_add(*, session: Session, text: str, count: int, actor: Any) -> ThemeWish:
    text = text.strip()
    if not text:
        raise SessionsError(_("Write down the wish."), field="text")
    if count < 1:
        raise SessionsError(_("The number of people must be 1 or more."), field="count")
    return ThemeWish.objects.create(
        digibank_id=session.digibank_id,
        session=session,
        text=text[:150],
        count=count,
        created_by=actor,
    )


# -- Opening hours -------------------------------------------------------------------------------


def opening_hours_add(
    *,
    location: Location,
    actor: Any,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    mode: str,
    slot_minutes: int = 30,
    helpers_on_duty: int = 1,
) -> OpeningHours:
    if end_time <= start_time:
        raise SessionsError(_("The end must be after the start."), field="end_time")
    if helpers_on_duty < 1:
        raise SessionsError(_("At least one digihelper must be on duty."), field="helpers_on_duty")
    if not 5 <= slot_minutes <= 480:
        raise SessionsError(
            _("An appointment lasts between 5 and 480 minutes."), field="slot_minutes"
        )
    overlap = OpeningHours.objects.filter(
        location=location, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
    )
    if overlap.exists():
        raise SessionsError(_("These hours overlap with other hours on that day."))
    with transaction.atomic():
        hours = OpeningHours.objects.create(
            digibank_id=location.digibank_id,
            location=location,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            mode=mode,
            slot_minutes=slot_minutes,
            helpers_on_duty=helpers_on_duty,
        )
        audit_log(actor=actor, action="sessions_app.opening_hours.created", obj=hours)
    return hours


def opening_hours_delete(*, hours: OpeningHours, actor: Any) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="sessions_app.opening_hours.deleted",
            obj=hours,
            digibank=hours.location.digibank,
            object_repr=str(hours),
        )
        hours.delete()


def opening_exception_save(
    *,
    location: Location,
    actor: Any,
    date: dt.date,
    closed: bool,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    mode: str = DeskMode.BOTH,
    slot_minutes: int = 30,
    helpers_on_duty: int = 1,
    reason: str = "",
) -> OpeningException:
    """Close a location on a date, or give it other hours that day (replaces the weekly ones)."""
    if not closed:
        if start_time is None or end_time is None:
            raise SessionsError(
                _("Give the hours of that day, or tick closed."), field="start_time"
            )
        if end_time <= start_time:
            raise SessionsError(_("The end must be after the start."), field="end_time")
        if helpers_on_duty < 1:
            raise SessionsError(
                _("At least one digihelper must be on duty."), field="helpers_on_duty"
            )
    with transaction.atomic():
        exception, _created = OpeningException.objects.update_or_create(
            location=location,
            date=date,
            defaults={
                "digibank_id": location.digibank_id,
                "closed": closed,
                "start_time": None if closed else start_time,
                "end_time": None if closed else end_time,
                "mode": mode,
                "slot_minutes": slot_minutes,
                "helpers_on_duty": helpers_on_duty,
                "reason": reason.strip()[:150],
            },
        )
        audit_log(actor=actor, action="sessions_app.opening_exception.saved", obj=exception)
    return exception


def opening_exception_delete(*, exception: OpeningException, actor: Any) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="sessions_app.opening_exception.deleted",
            obj=exception,
            digibank=exception.location.digibank,
            object_repr=str(exception),
        )
        exception.delete()


def slot_for(location: Location, starts_at: dt.datetime) -> slot_rules.Slot:
    """The slot of `location` starting at `starts_at`, or a clear error why there is none."""
    day = timezone.localtime(starts_at).date()
    weekly = list(OpeningHours.objects.filter(location=location))
    exception = OpeningException.objects.filter(location=location, date=day).first()
    if exception is not None and exception.closed:
        reason = f" ({exception.reason})" if exception.reason else ""
        raise SessionsError(
            _("%(location)s is closed on that day%(reason)s.")
            % {"location": location, "reason": reason},
            field="slot",
        )
    for slot in slot_rules.slots_on(day, weekly, exception):
        if slot.starts_at == starts_at:
            return slot
    raise SessionsError(
        _("This time is outside the appointment hours of %(location)s.") % {"location": location},
        field="slot",
    )


# -- Appointments --------------------------------------------------------------------------------


def appointment_book(
    *,
    location: Location,
    visitor: Visitor,
    starts_at: dt.datetime,
    question: str,
    actor: Any,
    membership: Membership | None,
    idempotency_key: str | None = None,
) -> Appointment:
    """Book a place in a slot at a digipunt. A second call with the same idempotency key (a
    double click) returns the first appointment."""
    _same_digibank(location.digibank, visitor)
    if idempotency_key:
        existing = Appointment.objects.filter(
            digibank_id=location.digibank_id, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    question = question.strip()
    if not question:
        raise SessionsError(_("Write the question in one sentence."), field="question")
    if visitor.merged_into_id is not None or visitor.erased_at or visitor.anonymised_at:
        raise SessionsError(_("This visitor record is no longer in use."))
    if starts_at <= timezone.now():
        raise SessionsError(_("This time is in the past. Choose a time to come."), field="slot")
    slot = slot_for(location, starts_at)
    with transaction.atomic():
        Location.objects.select_for_update().get(pk=location.pk)
        if idempotency_key:
            existing = Appointment.objects.filter(
                digibank_id=location.digibank_id, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing
        booked = Appointment.objects.filter(
            location=location, starts_at=starts_at, place__isnull=False
        ).exclude(status=AppointmentStatus.CANCELLED)
        if booked.filter(visitor=visitor).exists():
            raise SessionsError(_("This person has an appointment at this time already."))
        taken = set(booked.values_list("place", flat=True))
        if len(taken) >= slot.capacity:
            raise SessionsError(_("This time is full. Choose another time."), field="slot")
        appointment = Appointment(
            digibank_id=location.digibank_id,
            location=location,
            kind=AppointmentKind.DIGIPUNT,
            visitor=visitor,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            place=_first_free_seat(taken),
            question=question[:200],
            booked_by=actor if getattr(actor, "is_authenticated", False) else None,
            booked_by_role=membership.role if membership else Role.COORDINATOR,
            referrer_organisation=_referrer_organisation(membership),
            idempotency_key=idempotency_key or None,
        )
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            if idempotency_key:
                existing = Appointment.objects.filter(
                    digibank_id=location.digibank_id, idempotency_key=idempotency_key
                ).first()
                if existing is not None:
                    return existing
            raise SessionsError(
                _("Someone else booked this time at the same moment. Choose another time."),
                field="slot",
            ) from None
        audit_log(actor=actor, action="sessions_app.appointment.booked", obj=appointment)
        _confirm_on_commit(appointment)
    return appointment


def _confirm_on_commit(appointment: Appointment) -> None:
    pk, visitor_id = appointment.pk, appointment.visitor_id
    transaction.on_commit(
        lambda: _mail_visitor(
            visitor_id,
            "confirmation",
            {"appointment": Appointment.objects.select_related("location").get(pk=pk)},
        )
    )


def home_visit_request(
    *,
    location: Location,
    visitor: Visitor,
    starts_at: dt.datetime,
    minutes: int,
    question: str,
    address: str,
    assigned_helper: Any,
    actor: Any,
    membership: Membership | None,
    idempotency_key: str | None = None,
) -> Appointment:
    """Plan a home visit (hulp aan huis): an address and the digihelper who goes."""
    _same_digibank(location.digibank, visitor)
    if idempotency_key:
        existing = Appointment.objects.filter(
            digibank_id=location.digibank_id, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    if not question.strip():
        raise SessionsError(_("Write the question in one sentence."), field="question")
    if not address.strip():
        raise SessionsError(_("Give the address of the home visit."), field="address")
    if starts_at <= timezone.now():
        raise SessionsError(_("This time is in the past. Choose a time to come."), field="date")
    if not 15 <= minutes <= 480:
        raise SessionsError(_("A visit lasts between 15 and 480 minutes."), field="minutes")
    if (
        assigned_helper is not None
        and not Membership.objects.filter(
            user=assigned_helper,
            digibank_id=location.digibank_id,
            role__in=[Role.VOLUNTEER, Role.COORDINATOR],
            active=True,
        ).exists()
    ):
        raise SessionsError(_("Choose a digihelper of this digibank."), field="assigned_helper")
    with transaction.atomic():
        appointment = Appointment(
            digibank_id=location.digibank_id,
            location=location,
            kind=AppointmentKind.HOME_VISIT,
            visitor=visitor,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=minutes),
            question=question.strip()[:200],
            address=address.strip()[:255],
            assigned_helper=assigned_helper,
            booked_by=actor if getattr(actor, "is_authenticated", False) else None,
            booked_by_role=membership.role if membership else Role.COORDINATOR,
            referrer_organisation=_referrer_organisation(membership),
            idempotency_key=idempotency_key or None,
        )
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            existing = Appointment.objects.filter(
                digibank_id=location.digibank_id, idempotency_key=idempotency_key
            ).first()
            if existing is None:
                raise
            return existing
        audit_log(
            actor=actor, action="sessions_app.appointment.home_visit_planned", obj=appointment
        )
        _confirm_on_commit(appointment)
    return appointment


def appointment_set_status(*, appointment: Appointment, status: str, actor: Any) -> Appointment:
    """Check-in (came), no-show or cancellation of a booked appointment. A visitor who came
    becomes a participation of form individual support."""
    if status not in (
        AppointmentStatus.ATTENDED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.CANCELLED,
    ):
        raise SessionsError(_("Unknown status."))
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("location", "visitor", "referrer_organisation")
            .get(pk=appointment.pk)
        )
        if appointment.status != AppointmentStatus.BOOKED:
            raise SessionsError(
                _("This appointment is %(status)s already.")
                % {"status": appointment.get_status_display().lower()}
            )
        now = timezone.now()
        if status == AppointmentStatus.NO_SHOW and appointment.starts_at > now:
            raise SessionsError(_("You can only mark a no-show once the time has come."))
        if status == AppointmentStatus.ATTENDED and (
            timezone.localtime(appointment.starts_at).date() > timezone.localdate()
        ):
            raise SessionsError(_("You can only check someone in on the day itself."))
        appointment.status = status
        appointment.status_changed_at = now
        appointment.status_changed_by = actor if getattr(actor, "is_authenticated", False) else None
        if status == AppointmentStatus.ATTENDED:
            org = appointment.referrer_organisation
            appointment.participation = participation_record(
                digibank=appointment.location.digibank,
                form_of_service=FormOfService.INDIVIDUAL_SUPPORT,
                occurred_at=appointment.starts_at,
                visitor=appointment.visitor,
                location=appointment.location,
                actor=actor,
                source=appointment,
                source_event="attended",
                activity_kind=(
                    "home_visit"
                    if appointment.kind == AppointmentKind.HOME_VISIT
                    else "digipunt_appointment"
                ),
                activity_name=appointment.location.name,
                referrer_organisation=org,
                referrer_channel=_referrer_channel(org),
            )
        appointment.save()
        audit_log(actor=actor, action=f"sessions_app.appointment.{status}", obj=appointment)
    return appointment


# -- Walk-ins ------------------------------------------------------------------------------------


def walk_in_add(
    *,
    location: Location,
    actor: Any,
    visitor: Visitor | None = None,
    call_name: str = "",
    question: str = "",
    triage: str = Triage.SHORT,
    arrived_at: dt.datetime | None = None,
) -> WalkIn:
    _same_digibank(location.digibank, visitor)
    if triage not in Triage.values:
        raise SessionsError(_("Choose short or long."), field="triage")
    if visitor is None and not call_name.strip():
        raise SessionsError(
            _("Give a first name or a number to call, or choose a registered visitor."),
            field="call_name",
        )
    return WalkIn.objects.create(
        digibank_id=location.digibank_id,
        location=location,
        visitor=visitor,
        call_name=(call_name.strip() or (visitor.first_name if visitor else ""))[:40],
        question=question.strip()[:200],
        triage=triage,
        arrived_at=arrived_at or timezone.now(),
        created_by=actor,
    )


def walk_in_set_status(*, walk_in: WalkIn, status: str, actor: Any) -> WalkIn:
    """Helped (a participation of individual support, anonymous if not registered) or left."""
    if status not in (WalkInStatus.HELPED, WalkInStatus.LEFT):
        raise SessionsError(_("Unknown status."))
    with transaction.atomic():
        walk_in = (
            WalkIn.objects.select_for_update(of=("self",))
            .select_related("location__digibank", "visitor")
            .get(pk=walk_in.pk)
        )
        if walk_in.status != WalkInStatus.WAITING:
            raise SessionsError(_("This person is no longer waiting."))
        walk_in.status = status
        walk_in.status_changed_at = timezone.now()
        walk_in.status_changed_by = actor
        if status == WalkInStatus.HELPED:
            walk_in.participation = participation_record(
                digibank=walk_in.location.digibank,
                form_of_service=FormOfService.INDIVIDUAL_SUPPORT,
                occurred_at=walk_in.arrived_at,
                visitor=walk_in.visitor,
                location=walk_in.location,
                actor=actor,
                source=walk_in,
                source_event="helped",
                activity_kind="digipunt_walk_in",
                activity_name=walk_in.location.name,
            )
        walk_in.save()
    return walk_in


# -- Visitors (minimal, for referrers) -----------------------------------------------------------


# -- Reminders -----------------------------------------------------------------------------------


def _claim_reminder(digibank_id: int, key: str) -> bool:
    """True the first time `key` is claimed; False forever after (unique constraint)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(digibank_id=digibank_id, key=key)
    except IntegrityError:
        return False
    return True


def reminders_send(*, day: dt.date) -> int:
    """E-mail every visitor with an e-mail address who has an appointment or a session on
    `day`. Each reminder is sent once, however often this runs. Returns the number sent."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    sent = 0
    appointments = Appointment.objects.filter(
        starts_at__gte=start, starts_at__lt=end, status=AppointmentStatus.BOOKED
    ).exclude(visitor__email="")
    for appointment in appointments.only("pk", "digibank_id", "visitor_id"):
        with transaction.atomic():
            if _claim_reminder(appointment.digibank_id, f"appointment-{appointment.pk}"):
                pk, visitor_id = appointment.pk, appointment.visitor_id
                transaction.on_commit(
                    lambda pk=pk, visitor_id=visitor_id: _mail_visitor(
                        visitor_id,
                        "reminder_appointment",
                        {"appointment": Appointment.objects.select_related("location").get(pk=pk)},
                    )
                )
                sent += 1
    sessions = Session.objects.filter(
        starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True
    ).select_related("activity")
    for session in sessions:
        enrolments = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).exclude(
            visitor__email=""
        )
        if session.activity.is_series:
            enrolments = enrolments.filter(activity_id=session.activity_id, session__isnull=True)
        else:
            enrolments = enrolments.filter(session=session)
        for enrolment in enrolments.only("pk", "visitor_id"):
            with transaction.atomic():
                key = f"enrolment-{enrolment.pk}-session-{session.pk}"
                if _claim_reminder(session.digibank_id, key):
                    session_id, visitor_id = session.pk, enrolment.visitor_id
                    transaction.on_commit(
                        lambda session_id=session_id, visitor_id=visitor_id: _mail_visitor(
                            visitor_id,
                            "reminder_session",
                            {
                                "session": Session.objects.select_related(
                                    "activity__location", "location"
                                ).get(pk=session_id)
                            },
                        )
                    )
                    sent += 1
    return sent
