"""The notification outbox: emails after commit, exactly once; a mail outage delays them without
breaking the request or losing them; daily digests; API clients are never emailed."""

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings

from safeguarding.accounts.services import api_client_create
from safeguarding.notify import services
from safeguarding.notify.models import DeliveryPreference, Notification
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
        assert mailoutbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [social_worker.email]
    assert email.subject == "Safeguarding Hub: Jayden Smith has a new chronology entry"
    assert "Recorded by Oakfield Primary School." in email.body
    assert f"{settings.SITE_URL}/children/abc/" in email.body
    n.refresh_from_db()
    assert n.email_pending and n.emailed_at is not None

    assert deliver_pending_emails() == 0  # the periodic retry finds nothing to send again
    assert send_digests() == 0
    assert len(mailoutbox) == 1


def test_each_commit_emails_only_what_it_notified(social_worker, colleague, django_capture_on_commit_callbacks,
                                                  mailoutbox):
    backlog = Notification.objects.create(recipient=colleague, subject="Left over from an outage", email_pending=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=social_worker, subject="New")
    assert [m.subject for m in mailoutbox] == ["Safeguarding Hub: New"]  # the backlog is the retry's job
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


def test_email_false_notifies_in_the_app_only(social_worker, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=social_worker, subject="In the app only", email=False)
    assert not n.email_pending
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
        assert deliver_pending_emails() == 0  # still down: the retry fails quietly too
        note.refresh_from_db()
        assert note.emailed_at is None
    assert mailoutbox == []

    # the mail server is back: the periodic retry sends it, once
    assert deliver_pending_emails() == 1
    assert deliver_pending_emails() == 0
    assert [m.to for m in mailoutbox] == [[service_manager.email]]
    assert "breaking the glass" in mailoutbox[0].subject
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_connection_dropping_mid_batch_keeps_what_was_sent_and_retries_the_rest(
    social_worker, colleague, team_manager, mailoutbox
):
    notes = [Notification.objects.create(recipient=u, subject=f"Note {i}", email_pending=True)
             for i, u in enumerate([social_worker, colleague, team_manager])]
    with override_settings(EMAIL_BACKEND=f"{HERE}.DropsAfterOne"):
        assert deliver_pending_emails() == 1
    assert [m.subject for m in mailoutbox] == ["Safeguarding Hub: Note 0"]
    assert deliver_pending_emails() == 2
    assert sorted(m.subject for m in mailoutbox) == ["Safeguarding Hub: Note 0", "Safeguarding Hub: Note 1",
                                                     "Safeguarding Hub: Note 2"]
    assert all(Notification.objects.get(pk=n.pk).emailed_at for n in notes)


def test_an_address_refused_for_good_is_given_up_without_blocking_the_others(la, social_worker, mailoutbox):
    from tests.factories import Role, make_user

    gone = make_user(la, Role.SOCIAL_WORKER, email="left@refused.example.com")
    first = Notification.objects.create(recipient=gone, subject="To someone who left", email_pending=True)
    second = Notification.objects.create(recipient=social_worker, subject="To Sam", email_pending=True)
    with override_settings(EMAIL_BACKEND=f"{HERE}.RefusesExampleCom"):
        assert deliver_pending_emails() == 2
        assert deliver_pending_emails() == 0
    assert [m.to for m in mailoutbox] == [[social_worker.email]]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.email_pending, first.emailed_at) == (False, None)  # still in the app, not emailed
    assert second.emailed_at is not None


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


def test_a_mail_outage_during_the_digest_keeps_it_for_the_next_run(social_worker, mailoutbox):
    services.delivery_set(user=social_worker, delivery="digest")
    notify(recipient=social_worker, subject="Waiting")
    with override_settings(EMAIL_BACKEND=f"{HERE}.MailServerDown"):
        assert send_digests() == 0
    assert send_digests() == 1
    assert send_digests() == 0
    assert len(mailoutbox) == 1


def test_switching_back_to_immediate_sends_what_was_waiting_for_the_digest(social_worker, mailoutbox):
    services.delivery_set(user=social_worker, delivery="digest")
    notify(recipient=social_worker, subject="Waiting")
    assert deliver_pending_emails() == 0
    services.delivery_set(user=social_worker, delivery="immediate")
    assert deliver_pending_emails() == 1
    assert send_digests() == 0
    assert len(mailoutbox) == 1


def test_api_clients_and_deactivated_people_are_never_emailed(la, social_worker, django_capture_on_commit_callbacks,
                                                              mailoutbox):
    client, _token = api_client_create(agency=la, name="Police case system")
    robot = client.user
    robot.refresh_from_db()
    assert robot.is_api_client and robot.email
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(recipient=robot, subject="To a machine").email_pending is False
        bulk = notify_many([(robot.pk, "To a machine, in bulk", "", ""), (social_worker.pk, "To Sam", "", "")])
    assert [n.email_pending for n in bulk] == [False, True]
    assert [m.to for m in mailoutbox] == [[social_worker.email]]

    # pending before the person became a machine or left: given up at send time, never emailed
    stale = Notification.objects.create(recipient=robot, subject="Stale", email_pending=True)
    services.delivery_set(user=robot, delivery="digest")
    digest_stale = Notification.objects.create(recipient=robot, subject="Stale digest", email_pending=True)
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    left = Notification.objects.create(recipient=social_worker, subject="After leaving", email_pending=True)
    assert deliver_pending_emails() == 1  # settled (given up), not sent
    assert send_digests() == 0
    assert len(mailoutbox) == 1
    for n in (stale, digest_stale, left):
        n.refresh_from_db()
        assert (n.email_pending, n.emailed_at) == (False, None)


def test_delivery_set_accepts_only_the_two_choices(social_worker):
    with pytest.raises(ValueError):
        services.delivery_set(user=social_worker, delivery="weekly")
    assert services.delivery_of(social_worker) == "immediate"
    services.delivery_set(user=social_worker, delivery="digest")
    services.delivery_set(user=social_worker, delivery="digest")
    assert DeliveryPreference.objects.get(user=social_worker).delivery == "digest"


def test_the_sweep_emails_its_reminders_once_through_the_outbox(social_worker, team, team_manager,
                                                               django_capture_on_commit_callbacks, mailoutbox):
    import datetime

    from safeguarding.clock import reminders
    from tests.clock.test_sweep_stages import make_deadline

    services.delivery_set(user=team_manager, delivery="digest")
    make_deadline(datetime.date(2026, 11, 16), person=social_worker, team=team, label="ICPC for Jayden Smith")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today=datetime.date(2026, 11, 25))
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([social_worker.email], "Safeguarding Hub: Overdue: ICPC for Jayden Smith")]
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today=datetime.date(2026, 11, 25))
    assert deliver_pending_emails() == 0
    assert send_digests() == 1
    assert mailoutbox[-1].to == [team_manager.email]
    assert "- Escalated, overdue: ICPC for Jayden Smith" in mailoutbox[-1].body
    assert len(mailoutbox) == 2
