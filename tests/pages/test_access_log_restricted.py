"""A service manager told about a break-glass reading can follow the link to the access log of a
restricted record they are not named on, without the record itself (or the child's name) opening."""

import pytest

from cases import services
from safeguarding.notify.models import Notification
from tests.factories import RestrictedChildFactory

pytestmark = pytest.mark.django_db


def test_service_manager_follows_the_break_glass_notification_to_the_access_log(
    client_for, social_worker, colleague, team, service_manager
):
    child = RestrictedChildFactory(legal_first_names="Hidden", legal_surname="Pupil", allocated_team=team,
                                   named=[social_worker])
    services.child_break_glass(child=child, actor=colleague, reason="Called by the police about a missing child")
    note = Notification.objects.get(recipient=service_manager)
    manager = client_for(service_manager)

    log = manager.get(note.url)
    assert log.status_code == 200
    page = log.content.decode()
    assert colleague.display_name in page and "Called by the police" in page
    assert "Hidden" not in page and "Pupil" not in page  # the record itself stays closed
    assert child.local_child_id in page
    assert manager.get(f"/children/{child.public_id}/").status_code == 302  # offered break-glass, not opened


def test_the_access_log_stays_404_for_a_colleague_who_is_not_a_manager(client_for, colleague, team, social_worker):
    child = RestrictedChildFactory(allocated_team=team, named=[social_worker])
    assert client_for(colleague).get(f"/children/{child.public_id}/access-log/").status_code == 404


def test_the_child_page_shows_the_nhs_number_in_groups_of_3_3_4(client_for, social_worker):
    from tests.factories import ChildFactory

    child = ChildFactory(nhs_number="9434765919", allocated_social_worker=social_worker)
    assert "943 476 5919" in client_for(social_worker).get(f"/children/{child.public_id}/").content.decode()
