"""The people and helpers the period-of-care, allocation and scheduling page tests share
(tests/reviews/test_pages_episodes.py, test_pages_allocation.py, test_pages_scheduling.py).

Each test class builds its world once (``built``: a transaction rolled back after the class's last test; each
test runs in a savepoint of it), with the people of tests/conftest.py by the same names, each with a session made
when the world was built (a client reuses it instead of signing in again). Time stands still at ``NOW``,
Wednesday 4 March 2026; the children became looked after on Monday 2 March."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeguarding.accounts.models import Role
from tests.factories import ChildFactory, LocalAuthorityFactory, PoliceFactory, TeamFactory, make_user
from tests.factories.reviews import AllocatedEpisodeFactory, LookedAfterEpisodeFactory, iro_manager_of, iro_of

NOW = "2026-03-04 10:00"
TODAY = date(2026, 3, 4)
MON_2_MAR = date(2026, 3, 2)
TUE_3_MAR = date(2026, 3, 3)


def _signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def cast(**extra_people) -> SimpleNamespace:
    """Northmoor's people: Sam Worker and Tess Manager (the children's team), Olly Other (another team), Ivy
    Manager (the IRO manager), Ira Reviewing (the IRO), Oona Elsewhere (another IRO), Chris Chair and Pat Police;
    and ``extra_people`` (name: a function of the authority and the team making them)."""
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    team = TeamFactory(agency=la, name="Assessment Team A")
    other_team = TeamFactory(agency=la, name="Child in Need Team B")
    people = {
        "social_worker": make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker"),
        "team_manager": make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        "other_social_worker": make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other"),
        "iro_manager": iro_manager_of(la),
        "iro": iro_of(la, full_name="Ira Reviewing"),
        "other_iro": iro_of(la, full_name="Oona Elsewhere"),
        "chair": make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair"),
        "police_officer": make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER,
                                    full_name="Pat Police"),
    }
    for name, make in extra_people.items():
        people[name] = make(la, team)
    return SimpleNamespace(la=la, team=team, people=people,
                           sessions={p.pk: _signed_in(p) for p in people.values()}, **people)


def child_of(c: SimpleNamespace, first: str, **kw):
    kw.setdefault("allocated_social_worker", c.social_worker)
    return ChildFactory(local_authority=c.la, allocated_team=c.team, legal_first_names=first,
                        legal_surname="Holloway", date_of_birth=kw.pop("date_of_birth", date(2016, 2, 1)), **kw)


def looked_after(c: SimpleNamespace, child, *, iro=None, **kw):
    """The child looked after since Monday 2 March (section 20, foster care): with ``iro`` appointed on the 3rd."""
    if iro is None:
        return LookedAfterEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=c.iro_manager, **kw)
    return AllocatedEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=c.iro_manager, iro=iro,
                                   allocated_on=TUE_3_MAR, **kw)


def client(world, who, *, fresh: bool = False) -> Client:
    """A client signed in as ``who`` (a name of the cast, or a user): with the session made with the world, or
    signed in afresh (``fresh``: after the clock moved on, that session has timed out)."""
    user = world.cast.people[who] if isinstance(who, str) else who
    c = Client()
    session = None if fresh else world.cast.sessions.get(user.pk)
    if session is None:
        c.force_login(user)
    else:
        c.cookies[settings.SESSION_COOKIE_NAME] = session
    return c


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def same_page(resp) -> str:
    """A page without what differs on every response (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value|content)="[^"]*"', "", resp.content.decode())


def date_parts(name: str, d: date) -> dict:
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def count(c, url):
    with CaptureQueriesContext(connection) as q:
        resp = c.get(url)
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def missing(prefix: str, suffix: str = "") -> str:
    return f"/reviews/{prefix}/{uuid.uuid4()}/{suffix}"


def errors(resp) -> list[str]:
    """The messages of the page's GOV.UK error summary."""
    page = resp.content.decode()
    summary = page.split('class="govuk-error-summary"', 1)
    if len(summary) < 2:
        return []
    body = summary[1].split("</ul>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(r"<li>(.*?)</li>", body, re.S)]
