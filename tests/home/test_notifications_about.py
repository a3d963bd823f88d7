"""The apps' notifications record what they are about (``notify(..., about=record)``, ADR 26): the notifications
page names the child (or the LADO referral) with a link; the email of the same notification names no one (ADR 5).
Each test drives a real service of one app."""

import pytest
from django.urls import reverse

from safeguarding.accounts.models import Role
from safeguarding.notify.models import Notification, OutboxEmail
from tests.factories import make_user
from tests.factories.lado import ReceivedReferralFactory, lado_officer_of
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of, iro_of
from tests.factories.states import AllocatedChildFactory, RequestedConferenceFactory

pytestmark = pytest.mark.django_db


def _note_and_email(person, subject: str) -> tuple[Notification, OutboxEmail]:
    note = Notification.objects.get(recipient=person, subject__startswith=subject)
    email = OutboxEmail.objects.get(pk=note.email_id)
    return note, email


def _about_on_the_page(client_for, person) -> str:
    html = client_for(person).get(reverse("notify:list")).content.decode()
    return html


def test_a_conference_request_names_the_child_to_the_chairs_on_the_page_only(la, client_for):
    chair = make_user(la, Role.CONFERENCE_CHAIR)
    child = AllocatedChildFactory(local_authority=la, legal_first_names="Perdita", legal_surname="Vashti")
    conference = RequestedConferenceFactory(child=child)
    note, email = _note_and_email(chair, "Initial child protection conference requested")
    assert (note.subject_type.model, note.subject_id) == ("conference", conference.pk)
    assert "Vashti" not in email.subject + email.body and "Perdita" not in email.subject + email.body
    child_url = reverse("cases:child_detail", args=[child.public_id])
    assert f'About <a class="govuk-link" href="{child_url}">Perdita Vashti</a>' in _about_on_the_page(client_for,
                                                                                                       chair)


def test_a_looked_after_child_is_named_to_the_iro_manager_and_the_iro_on_the_page_only(la, client_for):
    manager, iro = iro_manager_of(la), iro_of(la)
    child = AllocatedChildFactory(local_authority=la, legal_first_names="Oriel", legal_surname="Thackeray")
    episode = AllocatedEpisodeFactory(child=child, iro_manager=manager, iro=iro)
    child_url = reverse("cases:child_detail", args=[child.public_id])
    for person, subject in ((manager, "A child has become looked after"), (iro, "You are a looked-after child's IRO")):
        note, email = _note_and_email(person, subject)
        assert (note.subject_type.model, note.subject_id) == ("lookedafterepisode", episode.pk)
        assert "Thackeray" not in email.subject + email.body and "Oriel" not in email.subject + email.body
        assert child.local_child_id in email.body  # the reference, as before
        assert f'About <a class="govuk-link" href="{child_url}">Oriel Thackeray</a>' in _about_on_the_page(
            client_for, person), subject


def test_a_new_lado_referral_is_named_by_its_reference_never_the_adult_or_the_child(la, client_for):
    officer = lado_officer_of(la)
    referral = ReceivedReferralFactory(local_authority=la)
    note, email = _note_and_email(officer, f"New referral {referral.reference}")
    assert (note.subject_type.model, note.subject_id) == ("referral", referral.pk)
    html = _about_on_the_page(client_for, officer)
    referral_url = reverse("lado:referral", args=[referral.public_id])
    assert f'About <a class="govuk-link" href="{referral_url}">LADO referral {referral.reference}</a>' in html
    for name in ("Pemberton", "Gareth", "Ella", "Price"):  # the adult and the child of the referral
        assert name not in email.subject + email.body and name not in html, name


def test_an_escalation_is_named_by_its_date_to_the_agency_raised_with_never_the_child(la, police, health,
                                                                                       client_for):
    from datetime import date

    from partnership import services as partnership_services
    from partnership.models import Escalation, PartnershipSeat
    from tests.factories import partnership as pf

    lead = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(lead, health, PartnershipSeat.Kind.AGENCY_LEAD)
    raiser = make_user(police, Role.PARTNER_PRACTITIONER)
    escalation = partnership_services.escalation_raise(
        actor=raiser, raising_agency=police, raised_with_agency=health, category=Escalation.Category.values[0],
        concern="The referral was not acted on.", theme="Information sharing", raised_on=date.today())
    note = Notification.objects.get(recipient=lead)
    assert (note.subject_type.model, note.subject_id) == ("escalation", escalation.pk)
    url = reverse("partnership:escalation", args=[escalation.public_id])
    assert f'About <a class="govuk-link" href="{url}">Escalation raised on ' in _about_on_the_page(client_for, lead)
