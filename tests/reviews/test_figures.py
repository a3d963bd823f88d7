"""The IRO service's figures (/reviews/figures/): how children took part in the reviews held in a period, and
reviews by number, each row agreeing with the list of reviews it opens; only for the IRO manager.

By hand: three first reviews held in the period, two where the child attended and spoke (PN1) and one where
the child neither attended nor conveyed their views (PN7): of 3 children aged 4 or over, 2 had their views
heard (67 %). Another authority's review is not counted."""

from __future__ import annotations

import pytest

from safeguarding.accounts.models import Role
from tests.factories import LocalAuthorityFactory, make_user
from tests.factories.reviews import HeldReviewFactory, iro_manager_of
from tests.figures.helpers import rows_of, text
from tests.pages.conftest import normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(la):
    reviews = [HeldReviewFactory(child__local_authority=la, participation=code) for code in ("PN1", "PN1", "PN7")]
    HeldReviewFactory(child__local_authority=LocalAuthorityFactory(name="Southvale City Council"))
    return {"manager": iro_manager_of(la), "iro": reviews[0].iro}






def test_participation_counts_by_hand_and_each_row_opens_its_reviews(client_for, world):
    c = client_for(world["manager"])
    page = text(c.get("/reviews/figures/"))
    assert "Of the children aged 4 or over, 2 of 3 (67%) had their views heard" in page
    participation = rows_of(page, "participation", key=lambda label: label.split(":")[0])
    assert participation["PN1"][1] == ("2", "67") and participation["PN7"][1] == ("1", "33")
    assert participation["PN0"][1] == ("0", "0")
    number = rows_of(page, "number", key=lambda label: label.split(":")[0])
    assert sum(int(v[1][0]) for v in number.values()) == 3
    for figure in (participation, number):
        for label, (href, values) in figure.items():
            assert f'id="drill-total">{values[0]} review' in text(c.get(href)), (label, href)
    assert c.get("/reviews/figures/?csv=participation")["Content-Type"].startswith("text/csv")
    assert "Looked-after reviews" in text(c.get("/figures/"))


def test_only_the_iro_manager_sees_the_service_s_figures(client_for, world, la, social_worker, police):
    for someone in (world["iro"], social_worker, make_user(la, Role.SERVICE_MANAGER),
                    make_user(police, Role.PARTNER_PRACTITIONER)):
        c = client_for(someone)
        missing = c.get("/reviews/figures/nothing/")
        for url in ("/reviews/figures/", "/reviews/figures/reviews/?figure=participation&value=PN1"):
            resp = c.get(url)
            assert resp.status_code == 404 and normalised(resp.content.decode()) == normalised(
                missing.content.decode()), (someone, url)
