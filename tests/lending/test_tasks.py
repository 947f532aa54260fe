import datetime as dt

from django.core import mail

from lending import services
from lending.models import Loan, Reminder, ReminderChannel, ReminderKind
from lending.tasks import lending_daily_run
from tests.registration_factories import VisitorFactory


def test_the_daily_run_marks_overdue_loans_and_reminds_each_due_date_once(
    digibank, make_loan, today, django_capture_on_commit_callbacks
):
    with_email = VisitorFactory(digibank=digibank, email="amina@example.be", first_name="Amina")
    without_email = VisitorFactory(digibank=digibank, phone="0470 12 34 56")
    due_soon = make_loan(visitor=with_email, start=today - dt.timedelta(days=180), term="6m")
    Loan.objects.filter(pk=due_soon.pk).update(due_date=today + dt.timedelta(days=3))
    overdue = make_loan(visitor=without_email, start=today - dt.timedelta(days=200), term="6m")
    Loan.objects.filter(pk=overdue.pk).update(due_date=today - dt.timedelta(days=2))
    far = make_loan(start=today)  # due in a year: no reminder (its check-in is in 6 months)
    permanent = make_loan(start=today - dt.timedelta(days=400), term="12m")
    Loan.objects.filter(pk=permanent.pk).update(is_permanent=True, due_date=None)

    with django_capture_on_commit_callbacks(execute=True):
        first = lending_daily_run.delay().get()
    assert first == {"overdue_marked": 1, "emails": 1, "call_list": 1, "emails_retried": 0}
    overdue.refresh_from_db()
    assert overdue.overdue_since == today - dt.timedelta(days=1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.be"]
    assert "Amina" in mail.outbox[0].body and due_soon.device.asset_tag in mail.outbox[0].body
    assert set(Reminder.objects.values_list("loan_id", "kind", "channel")) == {
        (due_soon.pk, ReminderKind.RETURN, ReminderChannel.EMAIL),
        (overdue.pk, ReminderKind.OVERDUE, ReminderChannel.PRINT),
    }
    assert not Reminder.objects.filter(loan__in=[far, permanent]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        second = lending_daily_run.delay().get()
    assert second == {"overdue_marked": 0, "emails": 0, "call_list": 0, "emails_retried": 0}
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 2


def test_a_check_in_coming_up_gets_its_own_reminder(
    digibank, make_loan, today, django_capture_on_commit_callbacks
):
    visitor = VisitorFactory(digibank=digibank, email="jo@example.be")
    loan = make_loan(visitor=visitor, start=today - dt.timedelta(days=10))
    services.check_in_plan(loan=loan, actor=None, planned_on=today + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.lending_daily_run(today=today)
        services.lending_daily_run(today=today)
    assert Reminder.objects.filter(loan=loan, kind=ReminderKind.CHECK_IN).count() == 1
    assert len(mail.outbox) == 1
    assert "terugkommoment" in mail.outbox[0].subject.lower() or "check-in" in (
        mail.outbox[0].subject.lower()
    )


def test_an_extension_gives_a_new_due_date_and_so_a_new_reminder(
    digibank, make_loan, today, django_capture_on_commit_callbacks
):
    loan = make_loan(start=today - dt.timedelta(days=180), term="6m")
    Loan.objects.filter(pk=loan.pk).update(due_date=today + dt.timedelta(days=1))
    services.lending_daily_run(today=today)
    loan.refresh_from_db()
    services.loan_extend(loan=loan, actor=None, new_due_date=today + dt.timedelta(days=5))
    services.lending_daily_run(today=today)
    assert Reminder.objects.filter(loan=loan, kind=ReminderKind.RETURN).count() == 2


def test_a_reminder_that_failed_to_send_is_sent_by_the_next_run_and_only_once(
    digibank, make_loan, today, django_capture_on_commit_callbacks, monkeypatch
):
    from lending import services as lending_services

    visitor = VisitorFactory(digibank=digibank, email="fail@example.be")
    loan = make_loan(visitor=visitor, start=today - dt.timedelta(days=180), term="6m")
    Loan.objects.filter(pk=loan.pk).update(due_date=today + dt.timedelta(days=2))

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(lending_services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.lending_daily_run(today=today)
    reminder = Reminder.objects.get(loan=loan)
    assert reminder.handled_at is None and len(mail.outbox) == 0

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.lending_daily_run(today=today)
    assert result["emails_retried"] == 1 and result["emails"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.lending_daily_run(today=today)
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.handled_at is not None
