"""A person chooses a daily digest instead of immediate emails; the page passes axe before and after."""

import pytest
from playwright.sync_api import expect

from safeguarding.notify.models import DeliveryPreference

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def test_choosing_the_daily_digest(page, social_worker):
    log_in(page, social_worker, "/notifications/settings/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "notification settings")
    page.get_by_label("Daily digest", exact=False).check()
    page.get_by_role("button").filter(has_text="Save").click()
    assert DeliveryPreference.objects.get(user=social_worker).delivery == "digest"
    assert_accessible(page, "after saving the notification settings")
