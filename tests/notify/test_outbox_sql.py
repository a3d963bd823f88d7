"""The outbox and notifications written set-wise, in SQL (the reminder sweep's delivery), are the rows
``notify_many`` writes in Python: the same rules (who is emailed, the daily digest) and the same words
(``one_line`` on the email subject, the link and the sign-off in the body)."""

import re
import sys
import unicodedata

import pytest
from django.db import connection

from safeguarding.accounts.models import User
from safeguarding.notify import outbox, services
from safeguarding.notify.models import DeliveryPreference, Notification, OutboxEmail
from safeguarding.notify.services import notify_many
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db


def code_points(char_class: str) -> set[int]:
    """The code points of a bracket expression written with \\uXXXX escapes and ranges."""
    body = char_class.removeprefix("[").removesuffix("]")
    found: set[int] = set()
    for lo, hi in re.findall(r"\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?", body):
        found.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    assert re.sub(r"\\u[0-9a-f]{4}(-\\u[0-9a-f]{4})?", "", body) == "", "only \\uXXXX escapes and ranges"
    return found


def test_the_sql_character_classes_are_pythons_over_every_code_point():
    every = range(1, sys.maxunicode + 1)
    assert code_points(outbox.SPACE_CHARACTERS) == {c for c in every if chr(c).isspace()}
    assert code_points(outbox.CONTROL_CHARACTERS) == {c for c in every if unicodedata.category(chr(c)) == "Cc"}


def sql_one_line(texts: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {outbox.one_line_sql('t')} FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) "
                       "ORDER BY n", [texts])
        return [row[0] for row in cursor.fetchall()]


def test_one_line_in_sql_is_one_line_in_python():
    crafted = [
        "", " ", "\t\r\n", "plain", "  leading and trailing  ", "a\r\nBcc: x@evil.test", "a \x01 b", "\x01 a",
        "a\x1cb\x1dc\x1ed\x1fe", "a\x85b\xa0c\u1680d\u2028e\u2029f\u3000g", "tab\tand\x0bvertical\x0cform",
        "bell\x07 and delete\x7f and C1\x9b", "\x07", " \x07 ", "a\u200bb (zero width space is not whitespace)",
        "emoji \U0001F600 and astral \U00010000", "Ünïcödé  naïve   café", "x" * 300 + " \n " + "y",
    ]
    every_bmp_character = ["x" + chr(c) + "y" + chr(c) for c in range(1, 0x3100) if not 0xD800 <= c <= 0xDFFF]
    texts = crafted + every_bmp_character
    assert sql_one_line(texts) == [outbox.one_line(t) for t in texts]


@pytest.fixture
def people(la, team):
    """Everyone notify_many tells apart: emailed at once, on the digest, deactivated, an API client, no address."""
    immediate = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Ida Immediate")
    digest = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Dee Digest")
    DeliveryPreference.objects.create(user=digest, delivery=DeliveryPreference.Delivery.DIGEST)
    gone = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Gone Away", is_active=False)
    robot = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Robot")
    User.objects.filter(pk=robot.pk).update(is_api_client=True)
    no_address = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="No Address")
    User.objects.filter(pk=no_address.pk).update(email="")
    return [immediate, digest, gone, robot, no_address]


ITEMS = [
    ("Due soon: ICPC for LC0001234", "Initial conference is due on Friday 4 December 2026.", "/deadlines/a/"),
    ("Overdue: ICPC for LC0001234\r\nBcc: x@evil.test", "Body\nwith lines", "/deadlines/b/"),
    ("S" * 250 + " \u2028 tail", "", "/deadlines/c/"),
    ("No link", "A body without a link", ""),
    ("\x07Bell\tand\x0btabs  ", "b", "/x/"),
]


def written(notes) -> list[tuple]:
    """What a notification and its email say, in a comparable form."""
    out = []
    for n in notes.select_related("email").order_by("recipient_id", "subject", "url"):
        e = n.email
        email = None if e is None else (e.to, e.recipient_id, e.topic, e.group, e.subject, e.body, e.attachments,
                                        e.status, e.attempts, e.next_attempt_at, e.sent_at, e.last_error)
        out.append((n.recipient_id, n.subject, n.body, n.url, n.read_at, n.email_pending, n.emailed_at, email))
    return out


def test_notify_set_sql_writes_what_notify_many_writes(people, django_capture_on_commit_callbacks, mailoutbox):
    items = [(p.pk, subject, body, url) for p in people for subject, body, url in ITEMS]
    with django_capture_on_commit_callbacks(execute=True):
        notify_many(items, send_after_commit=False)
    expected = written(Notification.objects.all())
    Notification.objects.all().delete()
    OutboxEmail.objects.all().delete()

    ctes, params = services.notify_set_sql("source")
    with connection.cursor() as cursor, django_capture_on_commit_callbacks(execute=True) as callbacks:
        cursor.execute(
            "WITH source AS (SELECT * FROM unnest(%(r)s::bigint[], %(s)s::text[], %(b)s::text[], %(u)s::text[]) "
            f"AS x(recipient_id, subject, body, url)), {ctes} "
            "SELECT (SELECT count(*) FROM notify_notes), (SELECT count(*) FROM notify_emails)",
            {**params, "r": [i[0] for i in items], "s": [i[1] for i in items], "b": [i[2] for i in items],
             "u": [i[3] for i in items]})
        assert cursor.fetchone() == (len(items), len(ITEMS))  # emails only for the person who takes them at once
    assert callbacks == [] and mailoutbox == []  # nothing sent, nor queued to be sent, in the writer's transaction
    assert written(Notification.objects.all()) == expected
    for note in Notification.objects.filter(email__isnull=False).select_related("email"):
        assert note.email.key == f"notification:{note.pk}"
        assert note.email.created_at == note.created_at


def test_notify_set_sql_with_no_rows_writes_nothing(people):
    ctes, params = services.notify_set_sql("source")
    with connection.cursor() as cursor:
        cursor.execute(f"WITH source AS (SELECT 1::bigint AS recipient_id, ''::text AS subject, ''::text AS body, "
                       f"''::text AS url WHERE false), {ctes} SELECT (SELECT count(*) FROM notify_notes)", params)
        assert cursor.fetchone() == (0,)
    assert not Notification.objects.exists() and not OutboxEmail.objects.exists()
