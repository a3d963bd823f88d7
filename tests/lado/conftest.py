"""Shared fixtures of the LADO tests: the portal's registration pages are public.

They need ``lado:register``, ``lado:register_sent`` and ``lado:verify`` in the kernel's ``PUBLIC_URL_NAMES``
(safeguarding/accounts/middleware.py; asked of the lead, ADR 19): until then these tests add them."""

import pytest

from safeguarding.accounts import middleware

PORTAL_PUBLIC = {"lado:register", "lado:register_sent", "lado:verify"}


@pytest.fixture(autouse=True)
def portal_pages_are_public(monkeypatch):
    monkeypatch.setattr(middleware, "PUBLIC_URL_NAMES", middleware.PUBLIC_URL_NAMES | PORTAL_PUBLIC)
