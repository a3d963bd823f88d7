"""Pages that correct and close a child's records: marking a record entered in error, ending an
involvement or a relationship, linking possible duplicates, and time-limited access grants.

For every page: the people who may, and people who may not (who get the same 404 as for a record
that does not exist), the GOV.UK error pattern, what is kept (who, why, history), and a repeated
submit changing nothing.
"""

import datetime
import html as htmllib
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import ChildAccessGrant, ChildAddress, ChildAlias, ChronologyEntry, DuplicateLink, Involvement
from cases.policies import child_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent, RecordView
from tests.factories import (
    AdultFactory,
    ChildFactory,
    ChronologyEntryFactory,
    HealthFactory,
    InvolvementFactory,
    RelationshipFactory,
    SchoolFactory,
    UserFactory,
    make_user,
)

from .conftest import normalised

pytestmark = pytest.mark.django_db


# --- the world --------------------------------------------------------------------------------------


@pytest.fixture
def child(la, team, social_worker):
    """Allocated to Sam Worker, in the team Tess Manager manages."""
    return ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=datetime.date(2016, 5, 4),
                        local_authority=la, allocated_social_worker=social_worker, allocated_team=team)


@pytest.fixture
def sibling(la, team, social_worker):
    """Another child Sam works with: their records must not be reachable through Amelia's address."""
    return ChildFactory(legal_first_names="Oscar", legal_surname="Hartley", date_of_birth=datetime.date(2013, 1, 9),
                        local_authority=la, allocated_social_worker=social_worker, allocated_team=team)


@pytest.fixture
def police_involved(child, police, police_officer):
    """Pat Police's force is involved with Amelia: Pat may see her record but not change it."""
    return InvolvementFactory(child=child, agency=police, role="Public protection officer")


def records_of(child, actor):
    """One record of each kind that can be marked entered in error, keyed by the URL's kind."""
    school = SchoolFactory(name="Oakfield Primary School")
    return {
        "chronology": ChronologyEntryFactory(child=child, source_agency=school, recorded_by=actor,
                                             summary="Attendance has dropped to 70%"),
        "involvements": InvolvementFactory(child=child, agency=school, role="Class teacher"),
        "relationships": RelationshipFactory(child=child, adult=AdultFactory(first_names="Kerry", surname="Brennan")),
        "addresses": services.child_address_set(child=child, actor=actor, line_1="9 Wrong Way", town="Northmoor",
                                                postcode="nm9 9zz", start_date=datetime.date(2024, 1, 1)),
        "aliases": services.child_alias_add(child=child, actor=actor, name="Millie Hart"),
    }


KINDS = ["chronology", "involvements", "relationships", "addresses", "aliases"]
TABS = {"chronology": "chronology", "involvements": "agencies", "relationships": "people", "addresses": "summary",
        "aliases": "summary"}
SHOWN = {"chronology": "Attendance has dropped to 70%", "involvements": "Class teacher",
         "relationships": "Kerry Brennan", "addresses": "9 Wrong Way", "aliases": "Millie Hart"}


def child_url(c, suffix=""):
    return f"/children/{c.public_id}/{suffix}"


def error_url(c, kind, record):
    return child_url(c, f"{kind}/{record.public_id}/entered-in-error/")


def date_parts(name, d):
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def text(resp) -> str:
    return htmllib.unescape(resp.content.decode())


def title_of(resp) -> str:
    return htmllib.unescape(re.search(r"<title>(.*?)</title>", resp.content.decode(), re.S).group(1).strip())


def summary_links(resp) -> dict[str, str]:
    """The GOV.UK error summary's links: message -> href."""
    body = resp.content.decode()
    assert 'class="govuk-error-summary"' in body, "no error summary"
    summary = body[body.index('class="govuk-error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    return {htmllib.unescape(m): href for href, m in re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)}


def field_error(resp, field_id) -> str:
    m = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', resp.content.decode(), re.S)
    assert m, f"no error message at {field_id}"
    return htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1))).replace("Error:", "").strip()


def assert_same_404(page, forbidden_url, missing_url):
    forbidden, missing = page.get(forbidden_url), page.get(missing_url)
    assert forbidden.status_code == missing.status_code == 404, (forbidden_url, forbidden.status_code)
    assert normalised(forbidden.content.decode()) == normalised(missing.content.decode())
    posted = page.post(forbidden_url, {"reason": "Testing", "confirm": "on"})
    assert posted.status_code == 404


# --- marking a record entered in error: the page --------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_entered_in_error_page_shows_the_record_and_asks_to_confirm(page, social_worker, child, kind):
    record = records_of(child, social_worker)[kind]
    resp = page(social_worker).get(error_url(child, kind, record))
    assert resp.status_code == 200
    shown = text(resp)
    assert SHOWN[kind] in shown
    assert '<span class="govuk-caption-l">Amelia Hartley</span>' in shown
    assert f'<a href="{child_url(child)}#{TABS[kind]}" class="govuk-back-link">Back to Amelia Hartley</a>' in shown
    assert "This cannot be undone. The entry stays in the record's history, marked as entered in error." in shown
    assert 'class="govuk-warning-text"' in shown
    assert "<form method=\"post\" novalidate>" in shown
    assert 'id="id_reason"' in shown and 'id="id_confirm"' in shown
    assert "I understand that this cannot be undone" in shown
    assert "govuk-button--warning" in shown and ">Mark as entered in error</button>" in shown
    assert "Error:" not in title_of(resp)
    # the page shows case data, so reading it is logged like the child's page
    assert RecordView.objects.filter(user=social_worker, record_id=child.pk).count() == 1


def test_the_entered_in_error_page_titles_say_what_is_being_marked(page, social_worker, child):
    records = records_of(child, social_worker)
    sw = page(social_worker)
    titles = {kind: title_of(sw.get(error_url(child, kind, records[kind]))) for kind in KINDS}
    assert titles == {
        "chronology": "Mark this chronology entry as entered in error – Safeguarding Hub",
        "involvements": "Mark this agency involvement as entered in error – Safeguarding Hub",
        "relationships": "Mark this relationship as entered in error – Safeguarding Hub",
        "addresses": "Mark this address as entered in error – Safeguarding Hub",
        "aliases": "Mark this alias or previous name as entered in error – Safeguarding Hub",
    }


def test_a_reason_and_the_confirmation_are_required(page, social_worker, child):
    entry = records_of(child, social_worker)["chronology"]
    sw = page(social_worker)
    resp = sw.post(error_url(child, "chronology", entry), {"reason": "   "})
    assert resp.status_code == 200
    assert summary_links(resp) == {
        "Say why this was entered in error": "#id_reason",
        "Confirm that you understand this cannot be undone": "#id_confirm",
    }
    assert field_error(resp, "id_reason") == "Say why this was entered in error"
    assert field_error(resp, "id_confirm") == "Confirm that you understand this cannot be undone"
    assert title_of(resp) == "Error: Mark this chronology entry as entered in error – Safeguarding Hub"

    # the reason typed is kept when only the confirmation is missing
    resp = sw.post(error_url(child, "chronology", entry), {"reason": "Recorded on the wrong child"})
    assert summary_links(resp) == {"Confirm that you understand this cannot be undone": "#id_confirm"}
    assert "Recorded on the wrong child</textarea>" in text(resp)

    entry.refresh_from_db()
    assert not entry.entered_in_error
    assert not CaseEvent.objects.filter(code="record.entered_in_error").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_marking_a_record_keeps_it_with_who_and_why(page, social_worker, team_manager, child, kind):
    record = records_of(child, social_worker)[kind]
    history_before = record.history.count()
    tm = page(team_manager)
    resp = tm.post(error_url(child, kind, record), {"reason": "Recorded on the wrong child's file", "confirm": "on"})
    assert resp.status_code == 302
    assert resp["Location"] == f"{child_url(child)}#{TABS[kind]}"

    record = type(record).objects.get(pk=record.pk)  # still there
    assert record.entered_in_error
    assert (record.entered_in_error_by, record.entered_in_error_reason) == (
        team_manager, "Recorded on the wrong child's file")
    assert record.history.count() == history_before + 1
    latest = record.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (
        team_manager, "Entered in error: Recorded on the wrong child's file")
    [event] = CaseEvent.objects.filter(code="record.entered_in_error", subject_id=record.pk)
    assert event.actor == team_manager

    followed = tm.get(child_url(child))
    shown = text(followed)
    assert "has been marked as entered in error." in shown
    if kind in ("chronology", "involvements", "relationships"):
        assert SHOWN[kind] in shown
        assert "Entered in error" in shown and "Recorded on the wrong child's file" in shown
        assert error_url(child, kind, record) not in shown  # nothing more to mark
    else:
        # addresses and names entered in error are not the child's: the page leaves them out
        assert SHOWN[kind] not in shown


def test_entered_in_error_records_are_struck_through_with_the_reason(page, social_worker, child):
    records = records_of(child, social_worker)
    for kind in ("chronology", "involvements", "relationships"):
        services.record_mark_entered_in_error(record=records[kind], actor=social_worker, reason=f"Wrong child {kind}")
    shown = text(page(social_worker).get(child_url(child)))
    tag = '<strong class="govuk-tag govuk-tag--grey">Entered in error</strong>'
    assert f"<s>Kerry Brennan</s> {tag}" in shown
    assert "Reason: Wrong child relationships" in shown
    assert f"<s>Oakfield Primary School</s> {tag}" in shown
    assert "Reason: Wrong child involvements" in shown
    assert "<s>Attendance has dropped to 70%</s>" in shown
    assert "Entered in error</strong> Wrong child chronology" in shown
    # no "end" or "mark" links for them any more
    assert f"relationships/{records['relationships'].public_id}/end/" not in shown
    assert f"involvements/{records['involvements'].public_id}/end/" not in shown
    for kind in ("chronology", "involvements", "relationships"):
        assert error_url(child, kind, records[kind]) not in shown


def test_a_double_submit_changes_nothing_the_second_time(page, social_worker, team_manager, child):
    entry = records_of(child, social_worker)["chronology"]
    url = error_url(child, "chronology", entry)
    first = page(social_worker).post(url, {"reason": "Wrong child", "confirm": "on"})
    entry.refresh_from_db()
    at, history = entry.entered_in_error_at, entry.history.count()

    tm = page(team_manager)
    again = tm.post(url, {"reason": "Something else", "confirm": "on"})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == f"{child_url(child)}#chronology"
    entry.refresh_from_db()
    assert (entry.entered_in_error_at, entry.entered_in_error_by, entry.entered_in_error_reason) == (
        at, social_worker, "Wrong child")
    assert entry.history.count() == history
    # one event on the entry and one on the child (for the child's History tab), not two of each
    assert CaseEvent.objects.filter(code="record.entered_in_error", subject_id=entry.pk,
                                    subject_type__model="chronologyentry").count() == 1
    assert CaseEvent.objects.filter(code="record.entered_in_error", subject_id=child.pk,
                                    subject_type__model="child").count() == 1
    # the page that follows says it was done already; the page itself now says so instead of a form
    assert "This chronology entry was marked as entered in error on" in text(tm.get(child_url(child)))
    again_page = tm.get(url)
    assert again_page.status_code == 200
    shown = text(again_page)
    assert "by Sam Worker: Wrong child" in shown
    assert "<form method=\"post\" novalidate>" not in shown


@pytest.mark.parametrize("kind", KINDS)
def test_a_record_of_another_child_is_a_404(page, social_worker, child, sibling, kind):
    theirs = records_of(sibling, social_worker)[kind]
    sw = page(social_worker)
    assert sw.get(error_url(sibling, kind, theirs)).status_code == 200  # reachable through its own child
    assert_same_404(sw, error_url(child, kind, theirs),
                    child_url(child, f"{kind}/{uuid.uuid4()}/entered-in-error/"))
    assert sw.get(child_url(child, f"{kind}/not-a-uuid/entered-in-error/")).status_code == 404
    theirs = type(theirs).objects.get(pk=theirs.pk)
    assert not theirs.entered_in_error


def test_an_unknown_kind_of_record_is_a_404(page, social_worker, child):
    entry = records_of(child, social_worker)["chronology"]
    sw = page(social_worker)
    assert_same_404(sw, child_url(child, f"households/{entry.public_id}/entered-in-error/"),
                    child_url(child, f"chronology/{uuid.uuid4()}/entered-in-error/"))
    assert_same_404(sw, child_url(child, f"involvement/{entry.public_id}/entered-in-error/"),
                    child_url(child, f"chronology/{uuid.uuid4()}/entered-in-error/"))


@pytest.mark.parametrize("kind", ["involvements", "relationships", "addresses", "aliases"])
def test_only_editors_may_mark_records_other_than_chronology(
    page, social_worker, team_manager, service_manager, police_officer, other_social_worker,
    other_la_service_manager, child, police_involved, kind,
):
    record = records_of(child, social_worker)[kind]
    url = error_url(child, kind, record)
    missing = child_url(child, f"{kind}/{uuid.uuid4()}/entered-in-error/")
    for may in (social_worker, team_manager, service_manager):
        assert page(may).get(url).status_code == 200, may
    # Pat sees the child (their force is involved) but may not change the record; Olly and Sol have no
    # reason to see the child at all. All three get the page for a record that does not exist.
    for may_not in (police_officer, other_social_worker, other_la_service_manager):
        assert_same_404(page(may_not), url, missing)
    assert not type(record).objects.get(pk=record.pk).entered_in_error


def test_who_may_mark_a_chronology_entry(page, social_worker, team_manager, police_officer, other_social_worker,
                                         child, police_involved, police):
    theirs = ChronologyEntryFactory(child=child, source_agency=police, recorded_by=police_officer,
                                    summary="Police attended a domestic incident")
    sams = ChronologyEntryFactory(child=child, recorded_by=social_worker, summary="Home visit")
    missing = child_url(child, f"chronology/{uuid.uuid4()}/entered-in-error/")

    # editors may take back any entry; the person who recorded one may take back their own
    for who, entry in ((social_worker, theirs), (team_manager, theirs), (team_manager, sams),
                       (police_officer, theirs)):
        assert page(who).get(error_url(child, "chronology", entry)).status_code == 200, (who, entry)
    # ...but not a colleague's entry, and never without a reason to see the child
    assert_same_404(page(police_officer), error_url(child, "chronology", sams), missing)
    assert_same_404(page(other_social_worker), error_url(child, "chronology", theirs), missing)

    resp = page(police_officer).post(error_url(child, "chronology", theirs),
                                     {"reason": "Wrong address attended", "confirm": "on"})
    assert resp.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.entered_in_error_by, theirs.entered_in_error_reason) == (police_officer, "Wrong address attended")
    assert not ChronologyEntry.objects.get(pk=sams.pk).entered_in_error


def test_the_author_loses_the_right_with_their_access(page, police_officer, child, police_involved, police):
    entry = ChronologyEntryFactory(child=child, source_agency=police, recorded_by=police_officer)
    url = error_url(child, "chronology", entry)
    assert page(police_officer).get(url).status_code == 200
    services.involvement_end(involvement=police_involved, actor=UserFactory(), reason="Case closed",
                             end_date=timezone.localdate() - datetime.timedelta(days=1))
    assert_same_404(page(police_officer), url, child_url(child, f"chronology/{uuid.uuid4()}/entered-in-error/"))


def test_the_child_page_offers_the_links_to_those_who_may(page, social_worker, police_officer, child,
                                                          police_involved, police):
    records = records_of(child, social_worker)
    own = ChronologyEntryFactory(child=child, source_agency=police, recorded_by=police_officer,
                                 occurred_on=datetime.date(2025, 3, 14))
    services.child_address_set(child=child, actor=social_worker, line_1="1 High Street", town="Northmoor",
                               postcode="NM1 1AA", start_date=datetime.date(2025, 2, 1))

    shown = text(page(social_worker).get(child_url(child)))
    for kind, record in records.items():
        assert error_url(child, kind, record) in shown, kind
    assert error_url(child, "chronology", own) in shown
    assert f"involvements/{records['involvements'].public_id}/end/" in shown
    assert f"relationships/{records['relationships'].public_id}/end/" in shown
    # each link says which record, for people who cannot see the layout
    assert ('Mark as entered in error<span class="govuk-visually-hidden"> (entry of 14 March 2025 from '
            f'{police.name})</span>') in shown
    assert 'Mark as entered in error<span class="govuk-visually-hidden"> (alias Millie Hart)</span>' in shown
    assert 'Mark as entered in error<span class="govuk-visually-hidden"> (current address)</span>' in shown
    assert ('Mark as entered in error<span class="govuk-visually-hidden"> (previous address 9 Wrong Way, '
            'Northmoor, NM9 9ZZ)</span>') in shown
    rel = records["relationships"].public_id
    assert (f'aria-labelledby="error-person-{rel} person-{rel}"' in shown
            and f'<span id="person-{rel}">Kerry Brennan</span>' in shown)
    inv = records["involvements"].public_id
    assert f'aria-labelledby="end-agency-{inv} agency-{inv} as-{inv} role-{inv}"' in shown

    # Pat may take back only their own entry, and may not end or correct anything else
    shown = text(page(police_officer).get(child_url(child)))
    assert error_url(child, "chronology", own) in shown
    for kind, record in records.items():
        assert error_url(child, kind, record) not in shown, kind
    assert "/end/" not in shown


# --- ending an involvement or a relationship --------------------------------------------------------


def test_ending_an_involvement(page, social_worker, child):
    inv = InvolvementFactory(child=child, agency=SchoolFactory(name="Oakfield Primary School"), role="Class teacher",
                             start_date=datetime.date(2024, 9, 2))
    url = child_url(child, f"involvements/{inv.public_id}/end/")
    sw = page(social_worker)
    resp = sw.get(url)
    assert resp.status_code == 200
    shown = text(resp)
    assert title_of(resp) == "End Oakfield Primary School's involvement – Safeguarding Hub"
    assert "Class teacher" in shown and "2 September 2024" in shown
    assert f'<a href="{child_url(child)}#agencies" class="govuk-back-link">Back to Amelia Hartley</a>' in shown
    assert "<form method=\"post\" novalidate>" in shown and ">End involvement</button>" in shown

    resp = sw.post(url, {})
    assert resp.status_code == 200
    assert summary_links(resp) == {
        "Enter the end date": "#id_end_date_day",
        "Say why the agency's involvement has ended": "#id_reason",
    }
    assert title_of(resp).startswith("Error: ")

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    resp = sw.post(url, {**date_parts("end_date", tomorrow), "reason": "Left the school"})
    assert summary_links(resp) == {"The end date must be today or in the past": "#id_end_date_day"}
    resp = sw.post(url, {**date_parts("end_date", datetime.date(2024, 9, 1)), "reason": "Left the school"})
    assert summary_links(resp) == {"The end date must be on or after the start date": "#id_end_date_day"}
    resp = sw.post(url, {"end_date_day": "31", "end_date_month": "2", "end_date_year": "2025", "reason": "x"})
    assert field_error(resp, "id_end_date") == "The end date must be a real date"
    inv.refresh_from_db()
    assert inv.end_date is None

    resp = sw.post(url, {**date_parts("end_date", datetime.date(2025, 7, 18)), "reason": "Moved to secondary school"})
    assert resp.status_code == 302
    assert resp["Location"] == f"{child_url(child)}#agencies"
    inv.refresh_from_db()
    assert (inv.end_date, inv.end_reason) == (datetime.date(2025, 7, 18), "Moved to secondary school")
    latest = inv.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (social_worker, "Moved to secondary school")
    assert CaseEvent.objects.filter(code="involvement.ended", subject_id=child.pk).count() == 1

    shown = text(sw.get(child_url(child)))
    assert "Oakfield Primary School's involvement has been ended." in shown
    assert "ended 18 Jul 2025" in shown and "Moved to secondary school" in shown
    assert url not in shown  # nothing left to end
    assert error_url(child, "involvements", inv) in shown  # it may still be found to be wrong

    # a second submit (double click, back button) changes nothing
    history = inv.history.count()
    again = sw.post(url, {**date_parts("end_date", datetime.date(2025, 7, 1)), "reason": "Another reason"})
    assert again.status_code == 302
    inv.refresh_from_db()
    assert (inv.end_date, inv.end_reason, inv.history.count()) == (
        datetime.date(2025, 7, 18), "Moved to secondary school", history)
    assert "This agency involvement ended on 18 July 2025." in text(sw.get(child_url(child)))
    assert "This agency involvement ended on 18 July 2025." in text(sw.get(url))


def test_ending_a_relationship(page, social_worker, child):
    rel = RelationshipFactory(child=child, adult=AdultFactory(first_names="Kerry", surname="Brennan"),
                              start_date=datetime.date(2020, 1, 1))
    url = child_url(child, f"relationships/{rel.public_id}/end/")
    sw = page(social_worker)
    resp = sw.get(url)
    assert resp.status_code == 200
    assert title_of(resp) == "End the relationship with Kerry Brennan – Safeguarding Hub"
    assert f'<a href="{child_url(child)}#people" class="govuk-back-link">' in text(resp)

    resp = sw.post(url, {**date_parts("end_date", datetime.date(2019, 12, 31))})
    assert summary_links(resp) == {"Say why the relationship has ended": "#id_reason"}
    resp = sw.post(url, {**date_parts("end_date", datetime.date(2019, 12, 31)), "reason": "Moved away"})
    assert summary_links(resp) == {"The end date must be on or after the start date": "#id_end_date_day"}

    resp = sw.post(url, {**date_parts("end_date", datetime.date(2025, 4, 30)), "reason": "Moved away"})
    assert resp.status_code == 302
    assert resp["Location"] == f"{child_url(child)}#people"
    rel.refresh_from_db()
    assert rel.end_date == datetime.date(2025, 4, 30)
    latest = rel.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (social_worker, "Moved away")
    shown = text(sw.get(child_url(child)))
    assert "The relationship with Kerry Brennan has been ended." in shown
    assert "ended 30 Apr 2025" in shown

    assert sw.post(url, {**date_parts("end_date", datetime.date(2025, 5, 1)), "reason": "Again"}).status_code == 302
    rel.refresh_from_db()
    assert rel.end_date == datetime.date(2025, 4, 30)
    assert CaseEvent.objects.filter(code="relationship.ended").count() == 1


def test_a_record_entered_in_error_cannot_be_ended(page, social_worker, child):
    inv = InvolvementFactory(child=child)
    services.record_mark_entered_in_error(record=inv, actor=social_worker, reason="Wrong child")
    url = child_url(child, f"involvements/{inv.public_id}/end/")
    sw = page(social_worker)
    assert "was marked as entered in error, so there is nothing to end" in text(sw.get(url))
    today = timezone.localdate()
    assert sw.post(url, {**date_parts("end_date", today), "reason": "x"}).status_code == 302
    inv.refresh_from_db()
    assert inv.end_date is None


@pytest.mark.parametrize("kind", ["involvements", "relationships"])
def test_who_may_end_a_record(page, social_worker, team_manager, police_officer, other_social_worker,
                              other_la_service_manager, child, sibling, police_involved, kind):
    record = (InvolvementFactory if kind == "involvements" else RelationshipFactory)(child=child)
    theirs = (InvolvementFactory if kind == "involvements" else RelationshipFactory)(child=sibling)
    url = child_url(child, f"{kind}/{record.public_id}/end/")
    missing = child_url(child, f"{kind}/{uuid.uuid4()}/end/")
    for may in (social_worker, team_manager):
        assert page(may).get(url).status_code == 200
    for may_not in (police_officer, other_social_worker, other_la_service_manager):
        assert_same_404(page(may_not), url, missing)
    # a record of another child, even one Sam works with, through this child's address
    assert_same_404(page(social_worker), child_url(child, f"{kind}/{theirs.public_id}/end/"), missing)
    assert page(social_worker).get(child_url(child, f"{kind}/nonsense/end/")).status_code == 404
    record = type(record).objects.get(pk=record.pk)
    assert record.end_date is None


# --- linking possible duplicates --------------------------------------------------------------------


@pytest.fixture
def twin(la, team, social_worker):
    return ChildFactory(legal_first_names="Amelie", legal_surname="Hartley", date_of_birth=datetime.date(2016, 4, 5),
                        local_authority=la, allocated_social_worker=social_worker, allocated_team=team)


def test_the_duplicates_page_offers_a_link_form_per_candidate(page, social_worker, police_officer, child, twin,
                                                              police_involved, police):
    resp = page(social_worker).get(child_url(child, "duplicates/"))
    shown = text(resp)
    assert "Amelie Hartley" in shown
    assert f'action="{child_url(child, f"duplicates/{twin.public_id}/link/")}"' in shown
    assert f"Why do you believe Amelie Hartley ({twin.local_child_id}) is the same child?" in shown
    assert 'id="id_candidate1_reason"' in shown
    assert "Link as possible duplicate" in shown

    # Pat can see both children (the force is involved with both) but may not link them
    InvolvementFactory(child=twin, agency=police)
    shown = text(page(police_officer).get(child_url(child, "duplicates/")))
    assert "Amelie Hartley" in shown
    assert "Link as possible duplicate" not in shown


def test_linking_a_possible_duplicate(page, social_worker, child, twin):
    url = child_url(child, f"duplicates/{twin.public_id}/link/")
    sw = page(social_worker)
    resp = sw.post(url, {"reason": "  "})
    assert resp.status_code == 200
    assert summary_links(resp) == {"Say why you believe these are the same child": "#id_reason"}
    assert title_of(resp) == "Error: Link as a possible duplicate – Safeguarding Hub"
    shown = text(resp)
    assert f"Amelia Hartley ({child.local_child_id}), born 4 May 2016" in shown
    assert f"Amelie Hartley ({twin.local_child_id}), born 5 April 2016" in shown
    assert f'<a href="{child_url(child, "duplicates/")}" class="govuk-back-link">' in shown
    assert not DuplicateLink.objects.exists()

    resp = sw.post(url, {"reason": "Same mother, same address, dates of birth transposed"})
    assert resp.status_code == 302
    link = DuplicateLink.objects.get()
    assert (link.created_by, link.reason) == (social_worker, "Same mother, same address, dates of birth transposed")
    assert link.history.get().history_user == social_worker
    assert CaseEvent.objects.filter(code="child.duplicate_linked").count() == 2
    for this, other in ((child, twin), (twin, child)):
        shown = text(sw.get(child_url(this)))
        assert f"Linked as a possible duplicate of <a class=\"govuk-link\" href=\"{child_url(other)}\">" in shown

    # a second submit changes nothing, and the duplicates page says they are linked
    assert sw.post(url, {"reason": "Again"}).status_code == 302
    assert DuplicateLink.objects.count() == 1
    assert CaseEvent.objects.filter(code="child.duplicate_linked").count() == 2
    shown = text(sw.get(child_url(child, "duplicates/")))
    assert "Already linked as a possible duplicate." in shown
    assert f"duplicates/{twin.public_id}/link/" not in shown


def test_a_record_cannot_be_linked_to_itself(page, social_worker, child):
    resp = page(social_worker).post(child_url(child, f"duplicates/{child.public_id}/link/"), {"reason": "Same"})
    assert resp.status_code == 200
    assert "A record cannot be a duplicate of itself" in text(resp)
    assert not DuplicateLink.objects.exists()


def test_who_may_link_duplicates(page, social_worker, team_manager, police_officer, other_social_worker, child, twin,
                                 police_involved, other_la):
    url = child_url(child, f"duplicates/{twin.public_id}/link/")
    missing = child_url(child, f"duplicates/{uuid.uuid4()}/link/")
    for may in (social_worker, team_manager):
        assert page(may).get(url).status_code == 200
    for may_not in (police_officer, other_social_worker):
        assert_same_404(page(may_not), url, missing)
    # the other record must be one the person can see
    hidden = ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", local_authority=other_la)
    assert_same_404(page(social_worker), child_url(child, f"duplicates/{hidden.public_id}/link/"), missing)
    assert_same_404(page(social_worker), child_url(hidden, f"duplicates/{child.public_id}/link/"), missing)
    assert not DuplicateLink.objects.exists()


# --- time-limited access grants ---------------------------------------------------------------------


def grant_data(email, until, reason="Covering Sam's duty visit"):
    return {"email": email, **date_parts("until", until), "reason": reason}


def test_a_manager_grants_access_from_the_access_log(page, team_manager, other_social_worker, child):
    assert not child_policy.can(AccessContext.for_user(other_social_worker), "view", child)
    tm = page(team_manager)
    log = text(tm.get(child_url(child, "access-log/")))
    assert "No one has been given time-limited access to this record." in log
    assert f'href="{child_url(child, "access-grants/new/")}">Give someone access</a>' in log

    resp = tm.get(child_url(child, "access-grants/new/"))
    assert resp.status_code == 200
    shown = text(resp)
    assert title_of(resp) == "Give someone access to this record – Safeguarding Hub"
    assert f'<a href="{child_url(child, "access-log/")}" class="govuk-back-link">Back to the access log</a>' in shown
    assert "Access can be given for up to 90 days." in shown

    until = timezone.localdate() + datetime.timedelta(days=30)
    resp = tm.post(child_url(child, "access-grants/new/"), grant_data(f" {other_social_worker.email.upper()} ", until))
    assert resp.status_code == 302
    assert resp["Location"] == child_url(child, "access-log/")
    grant = ChildAccessGrant.objects.get()
    assert (grant.user, grant.granted_by, grant.reason, grant.revoked_at) == (
        other_social_worker, team_manager, "Covering Sam's duty visit", None)
    local = timezone.localtime(grant.expires_at)
    assert (local.date(), local.hour, local.minute) == (until, 23, 59)
    assert grant.history.count() >= 1
    assert child_policy.can(AccessContext.for_user(other_social_worker), "view", child)

    # a double submit changes nothing the second time
    history = grant.history.count()
    again = tm.post(child_url(child, "access-grants/new/"), grant_data(other_social_worker.email, until))
    assert again.status_code == 302
    assert ChildAccessGrant.objects.get().history.count() == history
    assert CaseEvent.objects.filter(code="access.granted").count() == 1

    log = text(tm.get(child_url(child, "access-log/")))
    assert f"Olly Other can see this record until the end of {until.day} {until:%B %Y}." in log
    assert "Covering Sam's duty visit" in log
    assert (f'href="{child_url(child, f"access-grants/{other_social_worker.public_id}/revoke/")}">Revoke'
            '<span class="govuk-visually-hidden"> Olly Other\'s access</span></a>') in log


def test_the_grant_form_shows_its_errors(page, service_manager, child, la):
    url = child_url(child, "access-grants/new/")
    sm = page(service_manager)
    resp = sm.post(url, {})
    assert resp.status_code == 200
    assert summary_links(resp) == {
        "Enter the email address of the person who needs access": "#id_email",
        "Enter the date access ends": "#id_until_day",
        "Say why this person needs access": "#id_reason",
    }
    assert title_of(resp) == "Error: Give someone access to this record – Safeguarding Hub"

    today = timezone.localdate()
    latest = today + datetime.timedelta(days=90)
    gone = make_user(la, Role.SOCIAL_WORKER, full_name="Gone Away", email="gone@example.org", is_active=False)
    machine = make_user(la, Role.API_CLIENT, email="mis@example.org")
    machine.is_api_client = True
    machine.save()
    for email in ("nobody@example.org", gone.email, machine.email):
        resp = sm.post(url, grant_data(email, today + datetime.timedelta(days=5)))
        assert summary_links(resp) == {"No active person with that email": "#id_email"}, email
        assert "Gone Away" not in text(resp)
    resp = sm.post(url, grant_data("not an email", today))
    assert summary_links(resp) == {"Enter an email address in the correct format, like name@example.org": "#id_email"}

    someone = make_user(la, Role.SOCIAL_WORKER, email="someone@example.org")
    resp = sm.post(url, grant_data(someone.email, latest + datetime.timedelta(days=1)))
    assert summary_links(resp) == {
        f"Access can be given for up to 90 days: enter a date on or before {latest.day} {latest:%B %Y}": "#id_until_day"
    }
    resp = sm.post(url, grant_data(someone.email, today - datetime.timedelta(days=1)))
    assert summary_links(resp) == {"The date access ends must be today or in the future": "#id_until_day"}
    assert not ChildAccessGrant.objects.exists()

    # the 90th day and today itself are fine
    assert sm.post(url, grant_data(someone.email, latest)).status_code == 302
    assert sm.post(url, grant_data(someone.email, today, reason="Shorter")).status_code == 302
    grant = ChildAccessGrant.objects.get()
    assert timezone.localtime(grant.expires_at).date() == today and grant.reason == "Shorter"


def test_who_may_grant_and_revoke(page, social_worker, team_manager, service_manager, other_la_service_manager,
                                  police_officer, other_social_worker, child, police_involved):
    new = child_url(child, "access-grants/new/")
    services.child_access_grant(child=child, user=other_social_worker, actor=service_manager,
                                until=timezone.now() + datetime.timedelta(days=3), reason="Duty cover")
    revoke = child_url(child, f"access-grants/{other_social_worker.public_id}/revoke/")
    for may in (team_manager, service_manager):
        assert page(may).get(new).status_code == 200
        assert page(may).get(revoke).status_code == 200
    for may_not in (social_worker, police_officer, other_la_service_manager, other_social_worker):
        assert_same_404(page(may_not), new, f"/children/{uuid.uuid4()}/access-grants/new/")
        assert_same_404(page(may_not), revoke, f"/children/{uuid.uuid4()}/access-grants/{uuid.uuid4()}/revoke/")
    # the social worker may not give access, and does not see the controls
    assert "Give someone access" not in text(page(social_worker).get(child_url(child)))
    # revoking someone who has no grant for this child is the same 404
    assert_same_404(page(team_manager), child_url(child, f"access-grants/{police_officer.public_id}/revoke/"),
                    child_url(child, f"access-grants/{uuid.uuid4()}/revoke/"))
    assert page(team_manager).get(child_url(child, "access-grants/nonsense/revoke/")).status_code == 404
    assert ChildAccessGrant.objects.get().revoked_at is None


def test_a_restricted_child_s_access_log_shows_no_grant_controls_to_a_manager_not_named(
    page, service_manager, team_manager, team, la
):
    from tests.factories import RestrictedChildFactory

    child = RestrictedChildFactory(local_authority=la, allocated_team=team, named=[team_manager])
    log = text(page(service_manager).get(child_url(child, "access-log/")))
    assert "Who has looked at this record" in log and "Give someone access" not in log
    assert page(service_manager).get(child_url(child, "access-grants/new/")).status_code == 404
    assert "Give someone access" in text(page(team_manager).get(child_url(child, "access-log/")))


def test_revoking_access(page, team_manager, service_manager, other_social_worker, child):
    services.child_access_grant(child=child, user=other_social_worker, actor=service_manager,
                                until=timezone.now() + datetime.timedelta(days=3), reason="Duty cover")
    url = child_url(child, f"access-grants/{other_social_worker.public_id}/revoke/")
    tm = page(team_manager)
    resp = tm.get(url)
    shown = text(resp)
    assert title_of(resp) == "Revoke Olly Other's access to this record – Safeguarding Hub"
    assert "Duty cover" in shown and "Sian Service" in shown

    resp = tm.post(url, {"reason": ""})
    assert summary_links(resp) == {"Say why the access is being revoked": "#id_reason"}
    assert ChildAccessGrant.objects.get().revoked_at is None

    resp = tm.post(url, {"reason": "Sam is back"})
    assert resp.status_code == 302
    assert resp["Location"] == child_url(child, "access-log/")
    grant = ChildAccessGrant.objects.get()
    revoked_at = grant.revoked_at
    assert revoked_at is not None
    latest = grant.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (team_manager, "Sam is back")
    assert not child_policy.can(AccessContext.for_user(other_social_worker), "view", child)
    log = text(tm.get(child_url(child, "access-log/")))
    assert "Olly Other can no longer see this record." in log
    assert "(revoked)" in log and url not in log

    assert tm.post(url, {"reason": "Again"}).status_code == 302
    assert ChildAccessGrant.objects.get().revoked_at == revoked_at
    assert CaseEvent.objects.filter(code="access.revoked").count() == 1
    assert "This access was revoked on" in text(tm.get(url))


# --- every new page: no inline script, a back link --------------------------------------------------


def test_every_new_page_has_a_back_link_and_no_inline_script(page, social_worker, team_manager, other_social_worker,
                                                             child, twin):
    records = records_of(child, social_worker)
    services.child_access_grant(child=child, user=other_social_worker, actor=team_manager,
                                until=timezone.now() + datetime.timedelta(days=3), reason="Duty cover")
    urls = [
        *(error_url(child, kind, records[kind]) for kind in KINDS),
        child_url(child, f"involvements/{records['involvements'].public_id}/end/"),
        child_url(child, f"relationships/{records['relationships'].public_id}/end/"),
        child_url(child, f"duplicates/{twin.public_id}/link/"),
        child_url(child, "duplicates/"),
        child_url(child, "access-grants/new/"),
        child_url(child, f"access-grants/{other_social_worker.public_id}/revoke/"),
        child_url(child, "access-log/"),
    ]
    tm = page(team_manager)  # page() fails on inline script, event handlers or javascript: URLs
    for url in urls:
        resp = tm.get(url)
        assert resp.status_code == 200, url
        assert 'class="govuk-back-link"' in resp.content.decode(), url
        assert tm.post(url, {}).status_code in (200, 405), url


# --- query counts -----------------------------------------------------------------------------------


def test_the_child_page_with_records_entered_in_error_has_a_bounded_query_count(client_for, social_worker, child):
    def grow(n):
        for i in range(n):
            actor = social_worker
            inv = InvolvementFactory(child=child, agency=HealthFactory(), professional=UserFactory())
            rel = RelationshipFactory(child=child, adult=AdultFactory())
            entry = ChronologyEntryFactory(child=child, source_agency=SchoolFactory(), recorded_by=UserFactory())
            alias = ChildAlias.objects.create(child=child, name=f"Alias {i}")
            address = ChildAddress.objects.create(child=child, line_1=f"{i} High Street", town="Northmoor",
                                                  postcode="NM1 1AA", start_date=datetime.date(2000, 1, 1)
                                                  + datetime.timedelta(days=i))
            for record in (inv, rel, entry, alias, address):
                services.record_mark_entered_in_error(record=record, actor=actor, reason=f"Wrong child {i}")
            InvolvementFactory(child=child, agency=HealthFactory(), professional=UserFactory())
            RelationshipFactory(child=child, adult=AdultFactory())
            ChronologyEntryFactory(child=child, source_agency=SchoolFactory(), recorded_by=UserFactory())

    c = client_for(social_worker)
    url = child_url(child)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            resp = c.get(url)
        assert resp.status_code == 200
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    grow(2)
    c.get(url)
    small, small_sql = count()
    grow(18)
    large, large_sql = count()
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert small <= 9, "\n".join(small_sql)  # the child authorised once, its lists in one statement (issue 9)
    shown = text(c.get(url))
    assert shown.count(">Entered in error</strong>") == 60  # 20 each of involvements, relationships, chronology
    assert "Agencies (40)" in shown and Involvement.objects.filter(child=child).count() == 40
