"""Agencies' contributions to a rapid review (issue 12, section 2): chronology entries and the information
form against the request to each agency, the plan's step met when the last form is in, one agency late, and
every agency's entries merged into one timeline with its source. Services and pages together."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from freezegun import freeze_time

from partnership import services
from partnership.models import PartnershipSeat
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from tests.factories import make_user
from tests.factories import partnership as pf

AWARE = date(2027, 3, 24)   # Working Day 1; the information forms are due on WD7, Monday 5 April 2027


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


@pytest.fixture
def scene(la, police, police_officer, business_unit, health, school):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=AWARE)
    with freeze_time("2027-03-30 12:00"):
        to_school, to_health = services.agencies_request(actor=business_unit, review=review, agencies=[school, health])
    school_lead = make_user(school, Role.PARTNER_PRACTITIONER)
    health_lead = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(school_lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    pf.seat(health_lead, health, PartnershipSeat.Kind.AGENCY_LEAD)
    return review, to_school, to_health, school_lead, health_lead


def test_one_agency_late_and_the_chronologies_merged_with_their_source(scene, business_unit, police_officer,
                                                                        client_for):
    review, to_school, to_health, school_lead, health_lead = scene
    with freeze_time("2027-04-01 12:00"):
        services.chronology_entry_add(actor=school_lead, request=to_school, happened_on=date(2027, 3, 1),
                                      entry="Absent from school")
        services.chronology_entry_add(actor=health_lead, request=to_health, happened_on=date(2027, 2, 1),
                                      entry="Missed appointment")
        with pytest.raises(Http404):   # another agency's request looks missing
            services.chronology_entry_add(actor=school_lead, request=to_health, happened_on=date(2027, 3, 1),
                                          entry="x")
        services.information_return(actor=school_lead, request=to_school, information="Attendance fell")
        with pytest.raises(ValidationError):   # returned: the chronology is closed
            services.chronology_entry_add(actor=school_lead, request=to_school, happened_on=date(2027, 3, 2),
                                          entry="More")
    step = Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review_information_returned")
    with freeze_time("2027-04-06 12:00"):   # health is late: the day after Working Day 7
        page = client_for(business_unit).get(f"/partnership/rapid-reviews/{review.public_id}/").content.decode()
        assert "Late</strong>: information form not returned" in page
        services.information_return(actor=health_lead, request=to_health, information="Two missed appointments")
    step.refresh_from_db()
    assert (step.status, step.met_on) == (Deadline.Status.MET_LATE, date(2027, 4, 6))
    with freeze_time("2027-04-06 12:00"):
        page = client_for(business_unit).get(f"/partnership/rapid-reviews/{review.public_id}/").content.decode()
    chronology = page[page.index('id="chronology"'):]
    assert chronology.index("Missed appointment") < chronology.index("Absent from school")
    assert "Northmoor NHS Trust" in chronology and "Oakfield Primary School" in chronology


def test_the_lead_adds_an_entry_and_returns_the_form_in_the_browser(scene, client_for, social_worker):
    review, to_school, to_health, school_lead, health_lead = scene
    with freeze_time("2027-03-31 12:00"):
        client = client_for(school_lead)
        response = client.get("/partnership/requests/")
        assert response.status_code == 200, response
        listing = response.content.decode()
        assert f"/partnership/requests/{to_school.public_id}/" in listing
        assert f"/partnership/requests/{to_health.public_id}/" not in listing
        assert "Mon 5 Apr 2027" in listing
        assert client.get(f"/partnership/requests/{to_health.public_id}/").status_code == 404
        assert client_for(social_worker).get(f"/partnership/requests/{to_school.public_id}/").status_code == 404
        url = f"/partnership/requests/{to_school.public_id}/"
        client.post(url, {"happened_on_day": "1", "happened_on_month": "3", "happened_on_year": "2027",
                          "entry": "Absent from school"})
        assert "Absent from school" in client.get(url).content.decode()
        client.post(f"{url}return/", {"information": "Attendance fell"})
        assert "returned its information form" in client.get(url).content.decode()
    assert to_school.entries.count() == 1


def test_the_requests_page_reads_in_a_fixed_number_of_statements(scene, client_for, django_assert_max_num_queries):
    review, to_school, to_health, school_lead, health_lead = scene
    client = client_for(school_lead)
    client.get("/partnership/requests/")
    with django_assert_max_num_queries(12):
        assert client.get("/partnership/requests/").status_code == 200


def test_the_rapid_review_page_reads_in_a_fixed_number_of_statements(scene, business_unit, police, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    review, to_school, to_health, school_lead, health_lead = scene
    with freeze_time("2027-04-01 12:00"):
        services.chronology_entry_add(actor=school_lead, request=to_school, happened_on=date(2027, 3, 1), entry="A")
        client = client_for(business_unit)
        url = f"/partnership/rapid-reviews/{review.public_id}/"
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        services.chronology_entry_add(actor=health_lead, request=to_health, happened_on=date(2027, 3, 2), entry="B")
        services.chronology_entry_add(actor=school_lead, request=to_school, happened_on=date(2027, 3, 3), entry="C")
        services.agencies_request(actor=business_unit, review=review, agencies=[police])
        with CaptureQueriesContext(connection) as more:
            body = client.get(url).content.decode()
    assert body.count('<td class="govuk-table__cell">Oakfield Primary School</td>') == 2
    assert len(more) == len(few) <= 20, [q["sql"] for q in more.captured_queries]
