"""Agencies' API clients are rate-limited; people using the API with their session are not; and if the
rate counters (Redis) are unreachable the API keeps answering."""

import pytest
from django.core.cache.backends.redis import RedisCache

from safeguarding.api import ApiClientRateThrottle

pytestmark = pytest.mark.django_db
LIST = "/api/v1/children/"


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(ApiClientRateThrottle, "THROTTLE_RATES", {"api_client": "3/minute"})


def test_an_api_client_is_throttled_past_its_rate_in_the_error_shape(three_a_minute, school_api):
    assert [school_api.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    resp = school_api.get(LIST)
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "throttled"
    assert "Retry-After" in resp


def test_one_clients_use_does_not_throttle_another(three_a_minute, school_api, police_client, bearer):
    for _ in range(4):
        school_api.get(LIST)
    assert bearer(police_client[1]).get(LIST).status_code == 200


def test_staff_using_the_api_with_their_session_are_not_throttled(three_a_minute, client_for, social_worker):
    c = client_for(social_worker)
    assert {c.get(LIST).status_code for _ in range(5)} == {200}


def test_with_the_rate_store_unreachable_the_api_still_answers(three_a_minute, monkeypatch, school_api):
    down = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(ApiClientRateThrottle, "cache", down)
    assert {school_api.get(LIST).status_code for _ in range(5)} == {200}
