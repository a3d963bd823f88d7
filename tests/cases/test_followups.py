import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from safeguarding.audit.models import CaseEvent
from tests.factories import ChildFactory, ChronologyEntryFactory

pytestmark = pytest.mark.django_db


def test_marking_a_chronology_entry_in_error_is_told_on_the_childs_history(social_worker, client_for):
    child = ChildFactory(allocated_social_worker=social_worker)
    entry = ChronologyEntryFactory(child=child)
    services.record_mark_entered_in_error(record=entry, actor=social_worker, reason="Wrong child")
    on_child = CaseEvent.objects.get(code="record.entered_in_error", subject_id=child.pk,
                                     subject_type__model="child")
    assert on_child.payload["reason"] == "Wrong child"
    page = client_for(social_worker).get(f"/children/{child.public_id}/").content.decode()
    assert "Record marked entered in error: Wrong child" in page


def test_an_access_grant_cannot_run_past_the_maximum(settings, service_manager, colleague):
    child = ChildFactory()
    too_long = timezone.now() + datetime.timedelta(days=settings.ACCESS_GRANT_MAX_DAYS + 2)
    with pytest.raises(ValidationError) as exc:
        services.child_access_grant(child=child, user=colleague, actor=service_manager, until=too_long,
                                    reason="Covering a colleague's caseload")
    assert f"at most {settings.ACCESS_GRANT_MAX_DAYS} days" in str(exc.value)
    ok = timezone.now() + datetime.timedelta(days=settings.ACCESS_GRANT_MAX_DAYS)
    assert services.child_access_grant(child=child, user=colleague, actor=service_manager, until=ok,
                                       reason="Covering a colleague's caseload").expires_at == ok
