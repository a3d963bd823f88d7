"""Notification emails through the one outbox (ADR 8): written with the notification, sent after
commit, at most once; a mail outage delays them without breaking the request or losing them; a
refused address waits for its next try while the others go; daily digests; API clients are never
emailed. The retry policy itself: tests/notify/test_outbox_policy.py."""

import datetime
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

from safeguarding.accounts.services import api_client_create
from safeguarding.notify import outbox, services
from safeguarding.notify.models import DeliveryPreference, Notification, OutboxEmail
from safeguarding.notify.services import deliver_pending_emails, notify, notify_many, send_digests
from tests.factories import RestrictedChildFactory

pytestmark = pytest.mark.django_db

HERE = "tests.notify.test_outbox"


class MailServerDown(BaseEmailBackend):
    """A mail server that cannot be reached: every attempt is counted, none succeeds."""

    attempts = 0

    def open(self):
        type(self).attempts += 1
        raise smtplib.SMTPConnectError(421, b"Service not available")

    def send_messages(self, email_messages):
        type(self).attempts += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class DropsAfterOne(BaseEmailBackend):
    """Sends one message (into django.core.mail.outbox), then the connection drops."""

    def send_messages(self, email_messages):
        from django.core import mail

        if len([m for m in mail.outbox if m.subject.startswith("Safeguarding Hub")]) >= 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(email_messages)
        return len(email_messages)


class RefusesExampleCom(BaseEmailBackend):
    """Refuses any address at refused.example.com for good; sends the rest."""

    def send_messages(self, email_messages):
        from django.core import mail

        for m in email_messages:
            if any(to.endswith("@refused.example.com") for to in m.to):
                raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"No such user")})
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture(autouse=True)
def _reset_backend():
    MailServerDown.attempts = 0


def test_notify_emails_after_commit_exactly_once(social_worker, django_capture_on_commit_callbacks, mailoutbox,
                                                   settings):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = notify(recipient=social_worker, subject="Jayden Smith has a new chronology entry",
                   body="Recorded by Oakfield Primary School.", url="/children/abc/")
        assert mailoutbox == []  # nothing before the commit ...
        row = OutboxEmail.objects.get()  # ... but the email is in the outbox, in the same transaction
        assert (row.status, row.to, row.recipient, row.topic) == ("pending", social_worker.email, social_worker,
                                                                  "notification")
        assert n.email == row
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [social_worker.email]
    assert email.subject == "Safeguarding Hub: Jayden Smith has a new chronology entry"
    assert "Recorded by Oakfield Primary School." in email.body
    assert f"{settings.SITE_URL}/children/abc/" in email.body
    n.refresh_from_db()
    assert n.email_pending and n.emailed_at is not None
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "") and row.sent_at == n.emailed_at

    assert deliver_pending_emails() == 0  # the outbox task finds nothing to send again
    assert send_digests() == 0
    assert len(mailoutbox) == 1


def test_each_commit_emails_only_what_it_notified(social_worker, colleague, django_capture_on_commit_callbacks,
                                                  mailoutbox):
    # notified in a transaction whose after-commit sending never ran (the process stopped): a backlog
    backlog = notify(recipient=colleague, subject="Left over from an outage")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=social_worker, subject="New")
    assert [m.subject for m in mailoutbox] == ["Safeguarding Hub: New"]  # the backlog is the outbox task's job
    assert deliver_pending_emails() == 1
    assert [m.subject for m in mailoutbox] == ["Safeguarding Hub: New", "Safeguarding Hub: Left over from an outage"]
    backlog.refresh_from_db()
    assert backlog.emailed_at is not None


def test_a_rolled_back_transaction_emails_nothing(social_worker, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            notify(recipient=social_worker, subject="Never happened")
            raise RuntimeError("the change failed")
    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_email_false_notifies_in_the_app_only(social_worker, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=social_worker, subject="In the app only", email=False)
    assert not n.email_pending and n.email is None
    assert not OutboxEmail.objects.exists()
    assert deliver_pending_emails() == 0
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_outage_leaves_the_email_pending_and_the_request_succeeds(
    client_for, la, team, team_manager, colleague, service_manager, mailoutbox
):
    """A real request (breaking the glass notifies the service managers) commits and its emails fail."""
    child = RestrictedChildFactory(local_authority=la, allocated_team=team, named=[team_manager])
    with override_settings(EMAIL_BACKEND=f"{HERE}.MailServerDown"):
        resp = client_for(colleague).post(f"/children/{child.public_id}/break-glass/",
                                          {"reason": "Police called out of hours about a new allegation"})
        assert resp.status_code == 302
        assert resp["Location"] == f"/children/{child.public_id}/"
        assert MailServerDown.attempts >= 1  # it was tried, at commit, inside the request
        note = Notification.objects.get(recipient=service_manager)
        assert note.email_pending and note.emailed_at is None
        assert deliver_pending_emails() == 0  # still down: the outbox task fails quietly too
        note.refresh_from_db()
        assert note.emailed_at is None
        # the server was never reached: no attempt of the email was used up by the outage
        assert (note.email.status, note.email.attempts) == ("pending", 0)
    assert mailoutbox == []

    # the mail server is back: the outbox task sends it, once
    assert deliver_pending_emails() == 1
    assert deliver_pending_emails() == 0
    assert [m.to for m in mailoutbox] == [[service_manager.email]]
    assert "breaking the glass" in mailoutbox[0].subject
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_connection_dropping_mid_batch_keeps_what_was_sent_and_retries_the_rest(
    social_worker, colleague, team_manager, mailoutbox
):
    with freeze_time("2026-11-25 10:00") as clock:
        people = [social_worker, colleague, team_manager]
        notes = [notify(recipient=u, subject=f"Note {i}") for i, u in enumerate(people)]
        with override_settings(EMAIL_BACKEND=f"{HERE}.DropsAfterOne"):
            assert deliver_pending_emails() == 1
        assert [m.subject for m in mailoutbox] == ["Safeguarding Hub: Note 0"]
        dropped, untried = (OutboxEmail.objects.get(pk=n.email_id) for n in notes[1:])
        # the email being sent when the connection dropped counts an attempt and waits; the rest were not tried
        assert (dropped.status, dropped.attempts) == ("pending", 1)
        assert dropped.next_attempt_at == timezone.now() + datetime.timedelta(minutes=1)
        assert dropped.last_error.startswith("SMTPServerDisconnected")
        assert (untried.status, untried.attempts, untried.last_error) == ("pending", 0, "")

        assert deliver_pending_emails() == 1  # the untried one at once
        clock.tick(datetime.timedelta(seconds=59))
        assert deliver_pending_emails() == 0  # the dropped one not before its next try
        clock.tick(datetime.timedelta(seconds=1))
        assert deliver_pending_emails() == 1
    assert sorted(m.subject for m in mailoutbox) == ["Safeguarding Hub: Note 0", "Safeguarding Hub: Note 1",
                                                     "Safeguarding Hub: Note 2"]
    assert all(Notification.objects.get(pk=n.pk).emailed_at for n in notes)


def test_a_refused_address_stays_pending_with_its_next_try_and_the_others_are_sent(la, social_worker, mailoutbox):
    from tests.factories import Role, make_user

    moved = make_user(la, Role.SOCIAL_WORKER, email="moved@refused.example.com")
    with freeze_time("2026-11-25 10:00") as clock:
        first = notify(recipient=moved, subject="To someone whose mailbox is gone")
        second = notify(recipient=social_worker, subject="To Sam")
        with override_settings(EMAIL_BACKEND=f"{HERE}.RefusesExampleCom"):
            assert deliver_pending_emails() == 1  # Sam's left the queue; the refused one waits
            assert deliver_pending_emails() == 0  # not due again yet
            assert [m.to for m in mailoutbox] == [[social_worker.email]]
            first.refresh_from_db()
            second.refresh_from_db()
            assert (first.email_pending, first.emailed_at) == (True, None)  # still waiting for its email
            assert second.emailed_at is not None
            refused = first.email
            assert (refused.status, refused.attempts) == ("pending", 1)
            assert refused.next_attempt_at == timezone.now() + datetime.timedelta(minutes=1)
            assert "moved@refused.example.com" in refused.last_error and "550" in refused.last_error

            clock.tick(datetime.timedelta(minutes=1))
            assert deliver_pending_emails() == 0  # refused again: the next try is 4 minutes later
            refused.refresh_from_db()
            assert (refused.status, refused.attempts) == ("pending", 2)
            assert refused.next_attempt_at == timezone.now() + datetime.timedelta(minutes=4)

        clock.tick(datetime.timedelta(minutes=4))  # the mailbox is back
        assert deliver_pending_emails() == 1
    assert [m.to for m in mailoutbox] == [[social_worker.email], [moved.email]]
    first.refresh_from_db()
    assert first.emailed_at is not None and first.email.attempts == 3


def test_digest_people_get_one_digest_and_nothing_twice(social_worker, colleague, django_capture_on_commit_callbacks,
                                                        mailoutbox):
    services.delivery_set(user=social_worker, delivery=DeliveryPreference.Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        for subject in ("First", "Second", "Third"):
            notify(recipient=social_worker, subject=subject, body=f"{subject} body", url=f"/x/{subject}/")
        notify(recipient=colleague, subject="For the colleague")
    assert [m.to for m in mailoutbox] == [[colleague.email]]  # the digest person got no immediate email
    assert deliver_pending_emails() == 0
    assert len(mailoutbox) == 1

    assert send_digests() == 1
    digest = mailoutbox[-1]
    assert digest.to == [social_worker.email]
    assert digest.subject == "Safeguarding Hub: your daily digest (3)"
    assert [line for line in digest.body.splitlines() if line.startswith("- ")] == ["- First", "- Second", "- Third"]
    assert "Second body" in digest.body and "/x/Third/" in digest.body

    assert send_digests() == 0  # run twice (a duplicated beat task): nothing twice
    assert deliver_pending_emails() == 0
    assert len(mailoutbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=social_worker, subject="Fourth")
    assert send_digests() == 1
    assert mailoutbox[-1].subject == "Safeguarding Hub: your daily digest (1)"
    assert "- Fourth" in mailoutbox[-1].body and "First" not in mailoutbox[-1].body


def test_a_mail_outage_during_the_digest_keeps_it_in_the_outbox_for_the_outbox_task(social_worker, mailoutbox):
    services.delivery_set(user=social_worker, delivery="digest")
    notify(recipient=social_worker, subject="Waiting")
    with override_settings(EMAIL_BACKEND=f"{HERE}.MailServerDown"):
        assert send_digests() == 0
    digest = OutboxEmail.objects.get(topic="digest")
    assert (digest.status, digest.attempts) == ("pending", 0)  # the server was not reached: no attempt used
    assert send_digests() == 0  # nothing new to digest, and the waiting digest is not written twice
    assert deliver_pending_emails() == 1  # the outbox task sends it
    assert deliver_pending_emails() == 0
    assert send_digests() == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == "Safeguarding Hub: your daily digest (1)"
    assert Notification.objects.get().emailed_at is not None


def test_switching_back_to_immediate_sends_what_was_waiting_for_the_digest(social_worker, mailoutbox):
    services.delivery_set(user=social_worker, delivery="digest")
    notify(recipient=social_worker, subject="Waiting")
    assert deliver_pending_emails() == 0
    services.delivery_set(user=social_worker, delivery="immediate")
    assert deliver_pending_emails() == 1
    assert send_digests() == 0
    assert len(mailoutbox) == 1


def test_api_clients_and_deactivated_people_are_never_emailed(la, social_worker, colleague, team_manager,
                                                              django_capture_on_commit_callbacks, mailoutbox):
    client, _token = api_client_create(agency=la, name="Police case system")
    robot = client.user
    robot.refresh_from_db()
    assert robot.is_api_client and robot.email
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(recipient=robot, subject="To a machine").email_pending is False
        bulk = notify_many([(robot.pk, "To a machine, in bulk", "", ""), (social_worker.pk, "To Sam", "", "")])
    assert [n.email_pending for n in bulk] == [False, True]
    assert [m.to for m in mailoutbox] == [[social_worker.email]]

    # emails written while the person still took email, sent after they stopped: cancelled, never sent
    leaver = notify(recipient=colleague, subject="Before leaving")
    services.delivery_set(user=team_manager, delivery="digest")
    digest_leaver = notify(recipient=team_manager, subject="Waiting for the digest")
    robot_row = outbox.email_queue(to=robot.email, recipient=robot, topic="notification", subject="To a machine",
                                   body="Written for a person who became an API client")
    for person in (colleague, team_manager):
        person.is_active = False
        person.save(update_fields=["is_active"])
    assert deliver_pending_emails() == 2  # settled (cancelled), not sent
    assert send_digests() == 0
    assert len(mailoutbox) == 1
    for n in (leaver, digest_leaver):
        n.refresh_from_db()
        assert (n.email_pending, n.emailed_at) == (False, None)
    robot_row.refresh_from_db()
    assert leaver.email.status == robot_row.status == "cancelled"
    assert digest_leaver.email is None  # no digest was written for them


def test_delivery_set_accepts_only_the_two_choices(social_worker):
    with pytest.raises(ValueError):
        services.delivery_set(user=social_worker, delivery="weekly")
    assert services.delivery_of(social_worker) == "immediate"
    services.delivery_set(user=social_worker, delivery="digest")
    services.delivery_set(user=social_worker, delivery="digest")
    assert DeliveryPreference.objects.get(user=social_worker).delivery == "digest"


def test_the_sweep_writes_its_reminder_emails_and_the_outbox_task_sends_them_once(
    social_worker, team, team_manager, django_capture_on_commit_callbacks, mailoutbox
):
    import datetime

    from safeguarding.clock import reminders
    from safeguarding.notify import tasks
    from tests.clock.test_sweep_stages import make_deadline

    services.delivery_set(user=team_manager, delivery="digest")
    make_deadline(datetime.date(2026, 11, 16), person=social_worker, team=team, label="ICPC for LC0001234")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today=datetime.date(2026, 11, 25))
    assert mailoutbox == []  # the sweep sends nothing itself, not even after its commits
    [row] = OutboxEmail.objects.all()
    assert (row.status, row.to, row.subject) == ("pending", social_worker.email,
                                                 "Safeguarding Hub: Overdue: ICPC for LC0001234")
    tasks.deliver_emails()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([social_worker.email], "Safeguarding Hub: Overdue: ICPC for LC0001234")]
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today=datetime.date(2026, 11, 25))
    tasks.deliver_emails()
    assert deliver_pending_emails() == 0
    assert send_digests() == 1
    assert mailoutbox[-1].to == [team_manager.email]
    assert "- Escalated, overdue: ICPC for LC0001234" in mailoutbox[-1].body
    assert len(mailoutbox) == 2
