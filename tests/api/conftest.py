"""API fixtures: a partner agency's API client with a real token, and a DRF client that sends it."""

import pytest
from rest_framework.test import APIClient

from safeguarding.accounts.services import api_client_create


@pytest.fixture
def school_client(school):
    """(ApiClient, token) for the school's management information system."""
    return api_client_create(agency=school, name="School MIS")


@pytest.fixture
def police_client(police):
    return api_client_create(agency=police, name="Police case system")


@pytest.fixture
def bearer():
    """bearer(token) -> an APIClient sending ``Authorization: Bearer <token>`` on every request."""

    def make(token):
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return c

    return make


@pytest.fixture
def school_api(school_client, bearer):
    return bearer(school_client[1])
