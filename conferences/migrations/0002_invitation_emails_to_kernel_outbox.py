"""Calendar invitations move to the kernel's one outbox (ADR 8).

Decision: ``InvitationEmail`` stays as history and nothing sends from it any more. Rows still waiting
in it are moved into ``notify.OutboxEmail`` by ``conferences.invitations.move_legacy_rows`` (the same
function the code used while the services still wrote the old table), run here on the historical
models: each becomes a complete email written as of now (the booking as it stands, as the old sender
would have sent it), keeping its attempts and last error, under the kernel's key
``conferences.invitation:<invitation>:<sequence>:<method>``; the old row gets ``sent_at``, the time it
left. Rows the old outbox had given up on (10 attempts) become failed outbox rows, visible in the
admin, and keep no ``sent_at``. Reversing moves nothing back (the kernel rows may have been sent).

If ``move_legacy_rows`` ever changes its arguments, make this a no-op: every database has run it by then.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from conferences.invitations import move_legacy_rows

    move_legacy_rows(legacy_model=apps.get_model("conferences", "InvitationEmail"),
                     outbox_model=apps.get_model("notify", "OutboxEmail"), include_given_up=True)


class Migration(migrations.Migration):

    dependencies = [
        ("conferences", "0001_initial"),
        ("notify", "0003_one_outbox"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
