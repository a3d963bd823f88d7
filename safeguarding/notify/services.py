"""In-app notifications and their emails.

Every notification is written to the database first (in the caller's transaction). Its email, for a
person who wants each notification straight away, is written to the one outbox in the same
transaction (``safeguarding.notify.outbox``, ADR 8) and sent after commit, or by the outbox task
every minute; people who chose the daily digest get one email a day (``send_digests``, which writes
the digest to the same outbox). Nothing depends on the broker being up, and a mail outage never
breaks the request that notified: the email stays in the outbox and goes out later, once.

The reminder sweep notifies set-wise, in SQL (``notify_set_sql``: the rules and words of ``notify_many``
in one ``INSERT … SELECT`` for a whole batch): it writes notifications and outbox rows and the outbox task
sends them, so no email is ever sent inside the sweep.

Emails go only to active people with an address who are not API clients (checked again at sending).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import outbox
from .models import DeliveryPreference, Notification, OutboxEmail
from .outbox import one_line, wants_email

__all__ = ["wants_email", "notify", "notify_many", "notify_set_sql", "deliver_pending_emails", "send_digests",
           "delivery_set", "delivery_of", "notification_mark_read"]

TOPIC = "notification"
DIGEST_TOPIC = "digest"
SIGN_OFF = "Sign in to the hub to read more. Do not reply to this email."
EMAIL_SUBJECT_PREFIX = "Safeguarding Hub: "


def _email_text(n: Notification) -> str:
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    return f"{n.body}{link}"


def _email_of(n: Notification, person) -> OutboxEmail:
    return outbox.email_new(to=person.email, recipient=person, topic=TOPIC,
                            subject=f"{EMAIL_SUBJECT_PREFIX}{one_line(n.subject)}",
                            body=f"{_email_text(n)}\n\n{SIGN_OFF}")


def _digest_users():
    return DeliveryPreference.objects.filter(user=OuterRef("recipient"), delivery=DeliveryPreference.Delivery.DIGEST)


def _wants_digest(user) -> bool:
    return DeliveryPreference.objects.filter(user=user, delivery=DeliveryPreference.Delivery.DIGEST).exists()


def notify(*, recipient, subject: str, body: str = "", url: str = "", email: bool = True,
           send_after_commit: bool = True, about=None) -> Notification:
    """An in-app notification; its email (unless the person chose the digest) is written to the outbox
    and sent after the surrounding transaction commits. ``about``: the record it is about, which the pages
    name (ADR 26); the email does not."""
    return notify_many([(recipient, subject, body, url, about)], email=email,
                       send_after_commit=send_after_commit)[0]


def _about(item: tuple) -> dict:
    """The subject columns of a ``notify_many`` item's optional fifth element (a record, or None)."""
    about = item[4] if len(item) > 4 else None
    if about is None:
        return {}
    from django.contrib.contenttypes.models import ContentType

    return {"subject_type": ContentType.objects.get_for_model(about), "subject_id": about.pk}


@transaction.atomic  # outside a transaction too, the emails are sent only once their notifications exist
def notify_many(items: Iterable[tuple], *, email: bool = True, send_after_commit: bool = True) -> list[Notification]:
    """Many notifications at once, as ``(recipient or recipient_id, subject, body, url[, about])``: three queries
    however many there are (the people, their emails, the notifications). With ``send_after_commit=False``
    (the reminder sweep) the emails wait for the outbox task."""
    items = list(items)
    if not items:
        return []
    User = get_user_model()
    ids = {r.pk if isinstance(r, User) else r for r, *_ in items}
    people: dict[int, object] = {}
    if email:
        people = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True, is_api_client=False)
                  .exclude(email="").annotate(digest=Exists(DeliveryPreference.objects.filter(
                      user=OuterRef("pk"), delivery=DeliveryPreference.Delivery.DIGEST)))}
    now = timezone.now()
    notes, emails = [], []
    for item in items:
        recipient, subject, body, url = item[:4]
        recipient_id = recipient.pk if isinstance(recipient, User) else recipient
        n = Notification(recipient_id=recipient_id, subject=subject[:200], body=body, url=url, created_at=now,
                         email_pending=recipient_id in people, **_about(item))
        if isinstance(recipient, User):
            n.recipient = recipient
        person = people.get(recipient_id)
        if person is not None and not person.digest:
            n.email = _email_of(n, person)
            emails.append(n.email)
        notes.append(n)
    outbox.emails_queue(emails, send_after_commit=send_after_commit)
    for n in notes:
        if n.email is not None:
            n.email_id = n.email.pk
    return Notification.objects.bulk_create(notes)


def notify_set_sql(source: str, *, with_subject: bool = False) -> tuple[str, dict]:
    """The set-wise :func:`notify_many`, for writers that decide in SQL whom to notify (the reminder sweep):
    CTEs to follow the caller's own in one ``WITH`` statement, writing a notification for every row of the
    caller's CTE ``source`` (columns ``recipient_id``, ``subject``, ``body``, ``url``; with ``with_subject``
    also ``subject_type_id`` and ``subject_id``, what it is about, ADR 26), by the rules and in
    the words of notify_many with ``send_after_commit=False``: the subject cut to 200 characters;
    ``email_pending`` for active people with an address who are not API clients; for those not on the daily
    digest, their email written to the outbox (``outbox.emails_insert_sql``), pending for the
    ``notify.deliver_emails`` task. Nothing is ever sent in the caller's transaction.

    Defines ``notify_rows`` (what is written), ``notify_emails`` and ``notify_notes`` (the ids written);
    returns the SQL (to join to the caller's CTEs with a comma) and its parameters (``notify_*``,
    ``outbox_now``). Ids come from the tables' sequences, so a notification points to its email in the
    same statement; an email's key is ``notification:<notification id>``."""
    notes, emails = Notification._meta.db_table, OutboxEmail._meta.db_table
    users, prefs = get_user_model()._meta.db_table, DeliveryPreference._meta.db_table
    takes_email = "(u.is_active AND NOT u.is_api_client AND u.email <> '')"
    about = ("s.subject_type_id, s.subject_id" if with_subject
             else "NULL::int AS subject_type_id, NULL::bigint AS subject_id")
    email = (
        "SELECT email_id AS id, 'notification:' || id AS key, %(notify_topic)s AS topic, recipient_id, "
        'email AS "to", '
        f"%(notify_subject_prefix)s || {outbox.one_line_sql('subject')} AS subject, "
        "body || CASE WHEN url <> '' THEN %(notify_link_prefix)s || url ELSE '' END || %(notify_sign_off)s AS body "
        "FROM notify_rows WHERE email_id IS NOT NULL"
    )
    sql = (
        f"notify_sequences AS MATERIALIZED (SELECT pg_get_serial_sequence('{notes}', 'id')::regclass AS notes, "
        f"pg_get_serial_sequence('{emails}', 'id')::regclass AS emails), "
        "notify_rows AS MATERIALIZED ("
        "SELECT s.recipient_id, left(s.subject, 200) AS subject, s.body, s.url, u.email, "
        f"{about}, "
        f"{takes_email} AS wants_email, nextval(q.notes) AS id, "
        f"CASE WHEN {takes_email} AND NOT EXISTS (SELECT 1 FROM {prefs} p WHERE p.user_id = u.id "
        "AND p.delivery = %(notify_digest)s) THEN nextval(q.emails) END AS email_id "
        f"FROM {source} s JOIN {users} u ON u.id = s.recipient_id CROSS JOIN notify_sequences q), "
        f"notify_emails AS ({outbox.emails_insert_sql(f'({email})')}), "
        f"notify_notes AS (INSERT INTO {notes} (id, recipient_id, created_at, subject, body, url, read_at, "
        "email_pending, emailed_at, email_id, subject_type_id, subject_id) SELECT id, recipient_id, %(notify_now)s, "
        "subject, body, url, NULL, wants_email, NULL, email_id, subject_type_id, subject_id FROM notify_rows "
        "RETURNING id)"
    )
    now = timezone.now()
    return sql, {
        "notify_now": now, "outbox_now": now, "notify_topic": TOPIC,
        "notify_digest": DeliveryPreference.Delivery.DIGEST.value,
        "notify_subject_prefix": EMAIL_SUBJECT_PREFIX, "notify_link_prefix": f"\n\n{settings.SITE_URL}",
        "notify_sign_off": f"\n\n{SIGN_OFF}",
    }


def _email_waiting(user) -> None:
    """Write the emails of ``user``'s notifications that waited for a digest (they chose immediate)."""
    waiting = list(Notification.objects.select_for_update().filter(
        recipient=user, email_pending=True, emailed_at__isnull=True, email__isnull=True).order_by("pk"))
    if not waiting or not wants_email(user):
        return
    for n in waiting:
        n.email = _email_of(n, user)
    outbox.emails_queue([n.email for n in waiting])
    for n in waiting:
        n.email_id = n.email.pk
    Notification.objects.bulk_update(waiting, ["email"])


def deliver_pending_emails() -> int:
    """The outbox task: send every due email in the outbox (notifications, digests, calendar invitations),
    oldest first, in batches. Returns how many left the queue (sent, failed for good or cancelled)."""
    return outbox.outbox_send().settled


def _digest_pending():
    return Notification.objects.filter(email_pending=True, emailed_at__isnull=True, email__isnull=True)


def send_digests() -> int:
    """One email per person who chose the daily digest, listing everything not yet emailed to them,
    written to the outbox and sent. Returns how many digests were sent now (one the mail server did not
    take stays in the outbox, for the outbox task). Running it twice writes nothing twice."""
    recipients = list(
        _digest_pending().filter(Exists(_digest_users())).order_by("recipient_id")
        .values_list("recipient_id", flat=True).distinct()
    )
    written: list[int] = []
    for recipient_id in recipients:
        with transaction.atomic():
            notes = list(
                _digest_pending().filter(recipient_id=recipient_id).filter(Exists(_digest_users()))
                .select_for_update(skip_locked=True, of=("self",)).select_related("recipient")
                .order_by("created_at", "pk")
            )
            if not notes:
                continue
            person = notes[0].recipient
            ids = [n.pk for n in notes]
            if not wants_email(person):
                Notification.objects.filter(pk__in=ids).update(email_pending=False)
                continue
            lines = [f"- {one_line(n.subject)}\n  {_email_text(n)}" for n in notes]
            [digest] = outbox.emails_queue([outbox.email_new(
                to=person.email, recipient=person, topic=DIGEST_TOPIC, key=f"digest:{recipient_id}:{ids[0]}",
                subject=f"Safeguarding Hub: your daily digest ({len(notes)})",
                body="What is new for you in Safeguarding Hub:\n\n" + "\n\n".join(lines) + f"\n\n{SIGN_OFF}",
            )], send_after_commit=False)
            Notification.objects.filter(pk__in=ids).update(email=digest)
            written.append(digest.pk)
    return outbox.outbox_send(ids=written).sent if written else 0


@transaction.atomic
def delivery_set(*, user, delivery: str) -> DeliveryPreference:
    """How ``user`` gets notification emails: ``immediate`` or ``digest``. Emails already in the outbox
    are sent as they are; switching to immediate emails what was waiting for the digest."""
    if delivery not in DeliveryPreference.Delivery.values:
        raise ValueError(f"unknown delivery {delivery!r}")
    pref, _ = DeliveryPreference.objects.select_for_update().get_or_create(user=user)
    if pref.delivery != delivery:
        pref.delivery = delivery
        pref.save(update_fields=["delivery"])
        if delivery == DeliveryPreference.Delivery.IMMEDIATE:
            _email_waiting(user)  # what waited for the digest goes now, through the outbox
    return pref


def delivery_of(user) -> str:
    """The person's choice (immediate unless they chose the digest)."""
    pref = DeliveryPreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return pref or DeliveryPreference.Delivery.IMMEDIATE


@transaction.atomic
def notification_mark_read(*, recipient, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
