"""Notification emails waiting when the one outbox arrived (ADR 8) move into it.

Before, a notification waiting for its email was only ``email_pending`` with no ``emailed_at``; the
sender wrote the email when it sent it. Now the email is an outbox row written with the notification.
This writes the row for each one still waiting, for people who get each notification straight away
(people on the daily digest keep theirs for the digest, as before), with the text the old sender
used. Notifications of people who no longer take email are settled as the old sender settled them:
no longer pending, never emailed.
"""

from django.conf import settings
from django.db import migrations

SIGN_OFF = "Sign in to the hub to read more. Do not reply to this email."


def forwards(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    OutboxEmail = apps.get_model("notify", "OutboxEmail")
    DeliveryPreference = apps.get_model("notify", "DeliveryPreference")
    digest = set(DeliveryPreference.objects.filter(delivery="digest").values_list("user_id", flat=True))
    waiting = (Notification.objects.filter(email_pending=True, emailed_at__isnull=True, email__isnull=True)
               .exclude(recipient_id__in=digest).select_related("recipient").order_by("pk"))
    for n in waiting.iterator(chunk_size=500):
        person = n.recipient
        if not (person.email and person.is_active and not person.is_api_client):
            Notification.objects.filter(pk=n.pk).update(email_pending=False)
            continue
        link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
        email = OutboxEmail.objects.create(
            key=f"notification:{n.pk}", topic="notification", recipient=person, to=person.email,
            subject=f"Safeguarding Hub: {' '.join(n.subject.split())}"[:255],
            body=f"{n.body}{link}\n\n{SIGN_OFF}", attachments=[],
        )
        Notification.objects.filter(pk=n.pk).update(email=email)


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0003_one_outbox"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
