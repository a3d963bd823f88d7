"""Finding is not opening, on the pages (issue 8): a social worker in another team finds a child of their
authority in search and in the duplicate check as a minimal row, cannot open it, and can ask the holder
for access; partners do not find it; a restricted record shows only that it matches; every sighting is
logged; the holder sees the request on the access log and grants from there. Adding a child: a person
in two authorities chooses which one holds the record."""

import datetime
import re
import uuid

import pytest

from cases.models import Child, ChildAccessGrant, ChildAccessRequest
from safeguarding.accounts.models import Membership, Role
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, RestrictedChildFactory, make_user

from .conftest import normalised

pytestmark = pytest.mark.django_db

DOB = datetime.date(2016, 5, 4)


@pytest.fixture
def held(la, team, social_worker):
    """Amelia Hartley, held by Assessment Team A, allocated to Sam Worker."""
    return ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=DOB,
                        local_authority=la, allocated_social_worker=social_worker, allocated_team=team)


@pytest.fixture
def hidden(la, team, service_manager):
    """Ruby Castellano, restricted, held by Assessment Team A, naming only the service manager."""
    return RestrictedChildFactory(legal_first_names="Ruby", legal_surname="Castellano",
                                  date_of_birth=datetime.date(2012, 11, 20), local_authority=la,
                                  allocated_team=team, named=[service_manager])


def child_url(c, suffix=""):
    return f"/children/{c.public_id}/{suffix}"


def date_parts(name, d):
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def results_of(html):
    return html.split('id="results-heading"')[1]


def sightings(child):
    return list(CaseEvent.objects.filter(code="child.sighted", subject_id=child.pk, subject_type__model="child")
                .order_by("id"))


# --- search ------------------------------------------------------------------------------------------


def test_another_teams_social_worker_finds_the_minimal_row_and_cannot_open_it(page, other_social_worker, held):
    c = page(other_social_worker)
    resp = c.get("/children/", {"name": "Hartley"})
    assert resp.status_code == 200
    results = results_of(resp.content.decode())
    assert "1 child found" in resp.content.decode()
    assert "Amelia Hartley" in results
    assert "4 May 2016" in results
    assert held.local_child_id in results
    assert "held by Assessment Team A, Northmoor Borough Council" in results
    assert child_url(held, "request-access/") in results
    assert f'href="{child_url(held)}"' not in results  # no link to the record
    assert held.nhs_number not in results and held.upn not in results

    # the sighting is logged: who, when, which child, and where; not as a read of the record
    [seen] = sightings(held)
    assert (seen.actor, seen.payload["via"]) == (other_social_worker, "search")
    assert not RecordView.objects.exists()

    # opening still needs a basis: the same 404 as a missing child
    forbidden, missing = c.get(child_url(held)), c.get(f"/children/{uuid.uuid4()}/")
    assert forbidden.status_code == missing.status_code == 404
    assert normalised(forbidden.content.decode()) == normalised(missing.content.decode())


def test_a_child_the_person_works_with_is_not_logged_as_a_sighting(page, social_worker, held):
    html = page(social_worker).get("/children/", {"name": "Hartley"}).content.decode()
    assert f'href="{child_url(held)}"' in results_of(html)
    assert "Request access" not in results_of(html)
    assert sightings(held) == []


@pytest.mark.parametrize("who", ["school_dsl", "police_officer", "other_la_service_manager", "chair"])
def test_people_who_may_not_record_children_for_the_authority_do_not_find_it(request, page, held, who):
    person = request.getfixturevalue(who)
    html = page(person).get("/children/", {"name": "Hartley"}).content.decode()
    assert "0 children found" in html
    assert "Hartley" not in results_of(html).replace("“Hartley”", "")
    assert not CaseEvent.objects.filter(code="child.sighted").exists()


def test_a_restricted_child_shows_only_that_a_restricted_record_matches(page, other_social_worker, hidden):
    html = page(other_social_worker).get("/children/", {"name": "Castellano"}).content.decode()
    results = results_of(html)
    assert "A restricted record matches: contact the service manager." in results
    assert child_url(hidden, "request-access/") in results
    for secret in ("Ruby", "Castellano", hidden.local_child_id, "20 Nov 2012", "Assessment Team A"):
        assert secret not in results.replace("“Castellano”", ""), secret
    assert "Surname contains" not in results  # not even why it matched
    [seen] = sightings(hidden)
    assert seen.payload == {"via": "search", "restricted": True}


# --- asking for access -----------------------------------------------------------------------------------


def test_asking_for_access_tells_the_holder_who_grants_it_from_the_access_log(
        page, other_social_worker, social_worker, team_manager, held):
    c = page(other_social_worker)
    form = c.get(child_url(held, "request-access/"))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Ask for access to this record" in html
    assert "Amelia Hartley" in html and held.local_child_id in html
    assert "Assessment Team A, Northmoor Borough Council" in html

    empty = c.post(child_url(held, "request-access/"), {"reason": ""})
    assert empty.status_code == 200
    assert "Say why you need to see this record" in empty.content.decode()
    assert not ChildAccessRequest.objects.exists()

    sent = c.post(child_url(held, "request-access/"), {"reason": "Referred to my team by the school today"})
    assert sent.status_code == 302 and sent["Location"] == "/children/"
    request = ChildAccessRequest.objects.get()
    assert (request.child, request.requested_by) == (held, other_social_worker)
    assert {n.recipient for n in Notification.objects.all()} == {social_worker, team_manager}

    # asking again shows that it has been asked, and a second submit changes nothing
    again = c.get(child_url(held, "request-access/")).content.decode()
    assert "You asked for access on" in again
    assert c.post(child_url(held, "request-access/"), {"reason": "Again"}).status_code == 302
    assert ChildAccessRequest.objects.count() == 1

    # the team manager follows the notification to the access log, and gives access from there
    tm = page(team_manager)
    note = Notification.objects.get(recipient=team_manager)
    log = tm.get(note.url).content.decode()
    assert "Requests for access" in log and "Referred to my team by the school today" in log
    grant_link = re.search(r'href="(/children/[^"]+/access-grants/new/\?email=[^"]+)"', log).group(1)
    grant_form = tm.get(grant_link.replace("&amp;", "&")).content.decode()
    assert f'value="{other_social_worker.email}"' in grant_form
    until = datetime.date.today() + datetime.timedelta(days=14)
    done = tm.post(child_url(held, "access-grants/new/"), {
        "email": other_social_worker.email, **date_parts("until", until), "reason": "Joint visit"})
    assert done.status_code == 302
    assert ChildAccessGrant.objects.filter(user=other_social_worker, content_object=held).exists()
    request.refresh_from_db()
    assert request.answered_by == team_manager
    # now they may open it
    assert c.get(child_url(held)).status_code == 200
    assert c.get(child_url(held, "request-access/")).status_code == 404


def test_a_restricted_request_shows_nothing_about_the_child_and_goes_to_the_service_managers(
        page, other_social_worker, service_manager, hidden):
    c = page(other_social_worker)
    html = c.get(child_url(hidden, "request-access/")).content.decode()
    assert "A restricted record matches: contact the service manager." in html
    for secret in ("Ruby", "Castellano", hidden.local_child_id, "2012"):
        assert secret not in html, secret
    c.post(child_url(hidden, "request-access/"), {"reason": "Joint visit tomorrow with the police"})
    assert [n.recipient for n in Notification.objects.all()] == [service_manager]


@pytest.mark.parametrize("who", ["social_worker", "school_dsl", "other_la_service_manager"])
def test_the_request_page_is_404_for_anyone_who_may_open_or_cannot_find(request, page, held, who):
    person = request.getfixturevalue(who)
    c = page(person)
    forbidden = c.get(child_url(held, "request-access/"))
    missing = c.get(f"/children/{uuid.uuid4()}/request-access/")
    assert forbidden.status_code == missing.status_code == 404
    assert normalised(forbidden.content.decode()) == normalised(missing.content.decode())
    assert c.post(child_url(held, "request-access/"), {"reason": "Curious"}).status_code == 404
    assert not ChildAccessRequest.objects.exists()


def test_the_access_log_shows_who_found_the_record_without_opening_it(
        page, other_social_worker, team_manager, held):
    page(other_social_worker).get("/children/", {"name": "Hartley"})
    log = page(team_manager).get(child_url(held, "access-log/")).content.decode()
    section = log.split("Found without opening the record")[1]
    assert "Olly Other" in section and "Search" in section


# --- adding a child: the duplicate check reaches the whole authority ------------------------------------


def new_child(**over):
    return {"legal_first_names": "Amelia", "legal_surname": "Hartley", "gender": "2", "ethnicity": "NOBT",
            **date_parts("date_of_birth", DOB), **over}


def test_adding_an_exact_copy_of_another_teams_child_warns_with_the_minimal_row(page, other_social_worker, held):
    c = page(other_social_worker)
    warned = c.post("/children/new/", new_child())
    assert warned.status_code == 200
    html = warned.content.decode()
    assert "This child may already be recorded" in html
    matches = html.split("Possible matches")[1]
    assert "Amelia Hartley" in matches and held.local_child_id in matches
    assert "Held by Assessment Team A, Northmoor Borough Council" in matches
    assert child_url(held, "request-access/") in matches
    assert f'href="{child_url(held)}"' not in matches
    assert Child.objects.count() == 1
    [seen] = sightings(held)
    assert (seen.actor, seen.payload["via"]) == (other_social_worker, "duplicate check")


def test_adding_a_copy_of_a_restricted_child_warns_without_showing_it(page, other_social_worker, hidden):
    html = page(other_social_worker).post("/children/new/", new_child(
        legal_first_names="Ruby", legal_surname="Castellano",
        **date_parts("date_of_birth", hidden.date_of_birth))).content.decode()
    matches = html.split("Possible matches")[1]
    assert "A restricted record matches: contact the service manager." in matches
    assert hidden.local_child_id not in matches and "Assessment Team A" not in matches


def test_a_person_in_two_authorities_chooses_which_holds_the_record(page, la, other_la, team):
    both = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Bo Both")
    Membership.objects.create(user=both, agency=other_la, roles=[Role.TEAM_MANAGER])
    c = page(both)
    html = c.get("/children/new/").content.decode()
    assert "Which local authority holds the child&#x27;s record?" in html
    assert "Northmoor Borough Council" in html and "Southvale City Council" in html

    missing = c.post("/children/new/", new_child())
    assert "Select the local authority that holds the child&#x27;s record" in missing.content.decode()
    assert not Child.objects.exists()

    made = c.post("/children/new/", new_child(local_authority=str(other_la.public_id)))
    assert made.status_code == 302
    child = Child.objects.get()
    assert child.local_authority == other_la
    assert child.allocated_social_worker is None  # a team manager there, not a social worker
    assert child.allocated_team is None


def test_a_person_in_one_authority_is_not_asked(page, social_worker, team):
    html = page(social_worker).get("/children/new/").content.decode()
    assert "Which local authority" not in html
    page(social_worker).post("/children/new/", new_child())
    child = Child.objects.get()
    assert (child.local_authority.name, child.allocated_social_worker, child.allocated_team) == (
        "Northmoor Borough Council", social_worker, team)


def test_the_duplicates_page_lists_another_teams_copy_without_a_link_form(page, social_worker, la, other_team,
                                                                          held):
    copy = ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=DOB, local_authority=la,
                        allocated_team=other_team)
    html = page(social_worker).get(child_url(held, "duplicates/")).content.decode()
    matches = html.split("Possible matches")[1]
    assert copy.local_child_id in matches and "Held by Child in Need Team B" in matches
    assert child_url(copy, "request-access/") in matches
    assert f"/duplicates/{copy.public_id}/link/" not in html  # linking needs to open the other record
    [seen] = sightings(copy)
    assert (seen.actor, seen.payload["via"]) == (social_worker, "duplicate check")
