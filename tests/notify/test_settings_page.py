"""/notifications/settings/: each person chooses immediate emails or a daily digest, for themselves only."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.services import api_client_create
from safeguarding.notify.models import DeliveryPreference
from safeguarding.notify.services import delivery_of, delivery_set

pytestmark = pytest.mark.django_db

URL = "/notifications/settings/"


def checked(html: str) -> list[str]:
    return re.findall(r'<input class="govuk-radios__input"[^>]*value="(\w+)" checked', html)


def test_the_url_and_its_name():
    assert reverse("notify:settings") == URL


def test_anonymous_people_and_api_clients_are_sent_to_log_in(la, client_for):
    for c in (Client(), client_for(api_client_create(agency=la, name="Case system")[0].user)):
        for resp in (c.get(URL), c.post(URL, {"delivery": "digest"})):
            assert resp.status_code == 302
            assert resp["Location"].startswith("/accounts/login/")
    assert not DeliveryPreference.objects.exists()


def test_the_notifications_page_links_to_the_settings_and_says_the_current_choice(client_for, social_worker):
    c = client_for(social_worker)
    html = c.get("/notifications/").content.decode()
    assert f'href="{URL}"' in html
    assert "You get an email for each notification straight away." in html
    delivery_set(user=social_worker, delivery="digest")
    assert "You get one email a day listing your new notifications." in c.get("/notifications/").content.decode()


def test_the_page_shows_govuk_radios_with_the_current_choice(client_for, social_worker, settings):
    settings.DIGEST_HOUR = 7
    c = client_for(social_worker)
    resp = c.get(URL)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert '<h1 class="govuk-fieldset__heading">How do you want to get emails about your notifications?</h1>' in html
    assert 'class="govuk-radios"' in html and 'data-module="govuk-radios"' in html
    assert "Straight away: one email for each notification" in html
    assert "Daily digest: one email a day at 7am, listing everything new" in html
    assert checked(html) == ["immediate"]
    delivery_set(user=social_worker, delivery="digest")
    assert checked(c.get(URL).content.decode()) == ["digest"]


def test_choosing_the_digest_and_back(client_for, social_worker, settings):
    settings.DIGEST_HOUR = 7
    c = client_for(social_worker)
    resp = c.post(URL, {"delivery": "digest"}, follow=True)
    assert resp.redirect_chain == [("/notifications/", 302)]
    assert "You will get one email a day at 7am." in resp.content.decode()
    assert delivery_of(social_worker) == "digest"
    c.post(URL, {"delivery": "immediate"})
    assert delivery_of(social_worker) == "immediate"
    assert DeliveryPreference.objects.filter(user=social_worker).count() == 1


def test_each_person_changes_only_their_own_choice(client_for, social_worker, colleague):
    delivery_set(user=colleague, delivery="digest")
    # a crafted form naming someone else changes nothing of theirs
    client_for(social_worker).post(URL, {"delivery": "immediate", "user": colleague.pk,
                                         "user_id": colleague.pk})
    assert delivery_of(colleague) == "digest"
    assert delivery_of(social_worker) == "immediate"
    client_for(social_worker).post(URL, {"delivery": "digest", "user": colleague.pk})
    assert delivery_of(social_worker) == "digest"
    client_for(colleague).post(URL, {"delivery": "immediate"})
    assert (delivery_of(social_worker), delivery_of(colleague)) == ("digest", "immediate")


@pytest.mark.parametrize("data", [{}, {"delivery": "weekly"}])
def test_no_or_an_unknown_choice_shows_the_error(client_for, social_worker, data):
    resp = client_for(social_worker).post(URL, data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_delivery_0">Select how you want to get emails about your notifications</a>' in html
    assert not DeliveryPreference.objects.exists()
