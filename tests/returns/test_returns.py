"""The statutory returns built from known states (ADR 27): hand-worked rows, the files, and the community's DfE
validators run on them (real validators, in .venv-validators: about two seconds a run)."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.identifiers import make_upn
from returns import annex_a, cin_census, quality, ssda903, validation
from returns.policies import returns_policy
from returns.years import CollectionYear
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.clock.services import compute_due
from tests.factories import PoliceFactory, make_user
from tests.factories.reviews import HeldReviewFactory
from tests.factories.states import ActivePlanFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = CollectionYear.containing(TODAY)


def _held_on():
    """A working day some weeks ago, in this collection year (the suite runs on any day)."""
    from safeguarding.clock import workdays

    day = max(YEAR.start + datetime.timedelta(days=14), TODAY - datetime.timedelta(days=30))
    return workdays.add_working_days(day - datetime.timedelta(days=1), 1)


def _no_private(rows):
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


@pytest.fixture
def plan():
    held = _held_on()
    return ActivePlanFactory(held_on=held, category="PHY",
                             child__date_of_birth=datetime.date(2016, 2, 29), child__gender="2",
                             child__upn=make_upn("823204116001"),
                             child__ethnicity="MWBC", child__disabilities=["AUT"])


def test_cin_census_rows_by_hand(plan):
    child, held = plan.child, plan.started_on
    strategy = held - datetime.timedelta(days=7)
    census = cin_census.build(local_authority_id=child.local_authority_id, year=YEAR.year)
    t = cin_census.tables(census)
    assert _no_private(t["ChildIdentifiers"]) == [{
        "LAchildID": child.local_child_id, "UPN": child.upn, "PersonBirthDate": "2016-02-29", "Sex": "F"}]
    assert t["ChildCharacteristics"] == [{"LAchildID": child.local_child_id, "Ethnicity": "MWBC"}]
    assert t["Disabilities"] == [{"LAchildID": child.local_child_id, "Disability": "AUT"}]
    # the episode of need the referral opened (the state factory: a police referral, abuse or neglect)
    assert t["CINdetails"] == [{"LAchildID": child.local_child_id, "CINdetailsID": "1",
                                "CINreferralDate": strategy.isoformat(), "ReferralSource": "6",
                                "PrimaryNeedCode": "N1", "ReferralNFA": "0"}]
    assert _no_private(t["Section47"]) == [{
        "LAchildID": child.local_child_id, "CINdetailsID": "1", "S47ActualStartDate": strategy.isoformat(),
        "InitialCPCtarget": compute_due("icpc", strategy).isoformat(), "DateOfInitialCPC": held.isoformat(),
        "ICPCnotRequired": "false"}]
    assert _no_private(t["ChildProtectionPlans"]) == [{
        "LAchildID": child.local_child_id, "CINdetailsID": "1", "CPPID": "1", "CPPstartDate": held.isoformat(),
        "InitialCategoryOfAbuse": "PHY", "LatestCategoryOfAbuse": "PHY", "NumberOfPreviousCPP": "0"}]
    assert "Reviews" not in t  # no review conference yet

    root = ET.fromstring(cin_census.to_xml(census))
    assert root.findtext("Header/CollectionDetails/Year") == str(YEAR.year)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == YEAR.end.isoformat()
    assert root.findtext("Header/Source/LEA") == "823"
    assert [e.tag for e in root.find("Children/Child/ChildIdentifiers")] == [
        "LAchildID", "UPN", "PersonBirthDate", "Sex"]
    assert root.findtext("Children/Child/CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse") == "PHY"
    assert b"legal_surname" not in cin_census.to_xml(census)
    assert child.legal_surname.encode() not in cin_census.to_xml(census)  # no names on a return


def test_cin_census_other_authorities_and_other_years_are_left_out(plan):
    other = ActivePlanFactory(held_on=_held_on(), child__local_authority=PoliceFactory())
    assert cin_census.build(local_authority_id=other.child.local_authority_id, year=YEAR.year).children
    mine = cin_census.build(local_authority_id=plan.child.local_authority_id, year=YEAR.year)
    assert [c.child.id for c in mine.children] == [plan.child_id]
    assert cin_census.build(local_authority_id=plan.child.local_authority_id, year=YEAR.year - 2).children == []


def test_cin_census_validated_by_the_dfe_rules(plan):
    """What the product holds passes: the episode of need (referral, primary need), its enquiry and plan."""
    census = cin_census.build(local_authority_id=plan.child.local_authority_id, year=YEAR.year)
    result = validation.validate_cin_census(census)
    assert result.validator.startswith("csc-validator-be-cin ")
    assert [(i.rule, i.table, i.fields) for i in result.errors] == []
    # the queries: no assessment is held, and one child uses one disability code
    assert {i.rule for i in result.queries} == {"2991Q", "2887Q", "2888Q"}


def test_cin_census_without_an_episode_of_need_the_referral_is_missing(plan):
    """Child protection records without an episode of need: the validators ask for the referral's date and
    primary need (8600, 8610), against the child; closing the episode in the year writes its closure."""
    from cases.models import ChildInNeedEpisode
    from cases.services import cin_episode_close

    episode = ChildInNeedEpisode.objects.get(child=plan.child)
    cin_episode_close(episode=episode, actor=plan.child.allocated_social_worker, closure_date=TODAY,
                      reason="RC7")
    census = cin_census.build(local_authority_id=plan.child.local_authority_id, year=YEAR.year)
    (row,) = cin_census.tables(census)["CINdetails"]
    assert (row["CINclosureDate"], row["ReasonForClosure"]) == (TODAY.isoformat(), "RC7")
    root = ET.fromstring(cin_census.to_xml(census))
    assert root.findtext("Children/Child/CINdetails/ReasonForClosure") == "RC7"
    assert root.findtext("Children/Child/CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse") == "PHY"

    ChildInNeedEpisode.objects.filter(pk=episode.pk).update(entered_in_error_at=timezone.now())
    census = cin_census.build(local_authority_id=plan.child.local_authority_id, year=YEAR.year)
    result = validation.validate_cin_census(census)
    assert sorted((i.rule, i.table, i.child) for i in result.errors) == [
        ("8600", "CINdetails", plan.child.local_child_id), ("8610", "CINdetails", plan.child.local_child_id)]


def test_cin_census_an_identifier_the_census_refuses_is_an_error_on_the_child(plan):
    from cases.models import Child

    Child.objects.filter(pk=plan.child_id).update(upn=make_upn("930123420001"))  # 930 is no LA code
    report = quality.cin_census_report(local_authority_id=plan.child.local_authority_id, year=YEAR.year)
    (bad,) = [r for r in report.errors if r.issue.rule == "1530"]
    assert bad.issue.fields == ("UPN",) and bad.issue.child == plan.child.local_child_id
    assert bad.record_url == reverse("cases:child_detail", args=[plan.child.public_id])


@pytest.fixture
def review():
    from reviews.models import LookedAfterEpisode

    made = HeldReviewFactory(postcode="SW1A 2AA", participation="PN1", child__upn=make_upn("823204115002"),
                             child__date_of_birth=datetime.date(2015, 6, 1), child__gender="1",
                             child__ethnicity="WBRI")
    # real postcodes: the SSDA903 validator checks them against the ONS list (the demo's NM area is fictional)
    LookedAfterEpisode.objects.filter(pk=made.episode_id).update(home_postcode="SW1A 1AA")
    made.episode.refresh_from_db()
    return made


def _d(day):
    return day.strftime("%d/%m/%Y")


def test_ssda903_rows_by_hand(review):
    period, child = review.episode, review.episode.child
    ret = ssda903.build(local_authority_id=child.local_authority_id, year=YEAR.year)
    t = ssda903.tables(ret)
    assert _no_private(t["header"]) == [{"CHILD": child.local_child_id, "SEX": "M", "DOB": "01/06/2015",
                                         "ETHNIC": "WBRI", "UPN": child.upn, "MOTHER": "", "MC_DOB": ""}]
    assert _no_private(t["episodes"]) == [{
        "CHILD": child.local_child_id, "DECOM": _d(period.start_date), "RNE": "S", "LS": "V2", "CIN": "N1",
        "PLACE": "U6", "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "",
        "HOME_POST": period.home_postcode, "PL_POST": "SW1A 2AA", "URN": "XXXXXXX"}]
    assert _no_private(t["reviews"]) == [{"CHILD": child.local_child_id, "DOB": "01/06/2015",
                                          "REVIEW": _d(review.held_on), "REVIEW_CODE": "PN1"}]
    files = ssda903.files(ret)
    header = list(csv.reader(io.StringIO(files[ret.filename("episodes")].decode())))[0]
    assert header == list(ssda903.COLUMNS["episodes"])  # the private "_period" key is not in the file


def test_ssda903_validated_by_the_dfe_rules(review):
    ret = ssda903.build(local_authority_id=review.episode.child.local_authority_id, year=YEAR.year)
    result = validation.validate_ssda903(ret)
    assert result.validator.startswith("csc-validator-be-903 ")
    assert [(i.rule, i.table, i.fields) for i in result.errors] == []


def test_ssda903_a_fictional_postcode_is_an_error_linked_to_the_period(review):
    from reviews.models import Placement

    Placement.objects.filter(episode=review.episode).update(postcode="NM1 4AB")  # the demo's fictional area
    report = quality.ssda903_report(local_authority_id=review.episode.child.local_authority_id, year=YEAR.year)
    bad = [r for r in report.errors if r.issue.rule == "392c"]
    assert bad and bad[0].issue.child == review.episode.child.local_child_id
    assert bad[0].record_url == reverse("reviews:episode", args=[review.episode.public_id])
    assert bad[0].child_url == reverse("cases:child_detail", args=[review.episode.child.public_id])


def test_annex_a_lists(plan, review):
    la = plan.child.local_authority_id
    annex = annex_a.build(local_authority_id=la, on=TODAY)
    (row7,) = annex.lists["list_7_child_protection"]
    assert row7["Child Unique ID"] == plan.child.local_child_id
    assert row7["Child Protection Plan Start Date"] == _d(plan.started_on)
    assert row7["Latest Category of Abuse"] == "PHY" and row7["Disability"] == "Yes"
    (row8,) = annex.lists["list_8_looked_after"]
    assert row8["Child Unique ID"] == review.episode.child.local_child_id
    assert row8["Legal Status"] == "V2" and row8["Date of Last Review"] == _d(review.held_on)
    files = annex_a.files(annex)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files[annex.filename("", "xlsx")]))
    assert [s.max_row for s in book.worksheets] == [2, 2]
    assert next(iter(book.worksheets[0].values))[0] == "Child Unique ID"


# --- who may reach a return: the matrix, both ways ---------------------------------------------------------
ROLES = [Role.CONFERENCE_CHAIR, Role.IRO, Role.LADO_OFFICER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER,
         Role.SERVICE_MANAGER, Role.PARTNERSHIP_BUSINESS_UNIT, Role.ADMINISTRATOR]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_only_the_authoritys_service_managers_file_returns(role, la, client):
    user = make_user(la, role)
    ctx = AccessContext.for_user(user)
    files = role == Role.SERVICE_MANAGER
    assert returns_policy.can_file(ctx) is files
    assert returns_policy.can_file(ctx, la.pk) is files
    client.force_login(user)
    urls = [reverse("returns:index"), reverse("returns:annex_a", args=[la.public_id]),
            reverse("returns:download", args=[la.public_id, YEAR.year, "cin-census"]),
            reverse("returns:download", args=[la.public_id, YEAR.year, "ssda903"])]
    for url in urls:
        assert client.get(url).status_code == (200 if files else 404), (role, url)


def test_matrix_a_partner_agencys_service_manager_files_nothing(client):
    police = PoliceFactory()
    user = make_user(police, Role.SERVICE_MANAGER)
    assert not returns_policy.can_file(AccessContext.for_user(user))
    client.force_login(user)
    assert client.get(reverse("returns:index")).status_code == 404


def test_matrix_another_authoritys_returns_look_missing(la, client):
    from tests.factories import LocalAuthorityFactory

    other = LocalAuthorityFactory(name="Elsewhere Council")
    user = make_user(la, Role.SERVICE_MANAGER)
    assert returns_policy.can_file(AccessContext.for_user(user), la.pk)
    assert not returns_policy.can_file(AccessContext.for_user(user), other.pk)
    client.force_login(user)
    assert client.get(reverse("returns:annex_a", args=[other.public_id])).status_code == 404
    assert client.get(reverse("returns:download", args=[other.public_id, YEAR.year, "ssda903"])).status_code == 404
    assert client.get(reverse("returns:download", args=[la.public_id, YEAR.year - 5, "ssda903"])).status_code == 404


def test_pages_download_and_data_quality(plan, review, client):
    la = plan.child.local_authority
    client.force_login(make_user(la, Role.SERVICE_MANAGER))
    page = client.get(reverse("returns:index"))
    assert page.status_code == 200 and b"Download the CIN census" in page.content
    xml = client.get(reverse("returns:download", args=[la.public_id, YEAR.year, "cin-census"]))
    assert xml["Content-Disposition"].startswith("attachment") and plan.child.local_child_id.encode() in xml.content
    archive = zipfile.ZipFile(io.BytesIO(client.get(
        reverse("returns:download", args=[la.public_id, YEAR.year, "ssda903"])).content))
    assert sorted(n.rsplit("_", 1)[1] for n in archive.namelist()) == ["episodes.csv", "header.csv", "reviews.csv"]
    from cases.models import ChildInNeedEpisode

    # the child's episode of need entered in error: the census has no referral for the plan (rule 8600)
    ChildInNeedEpisode.objects.filter(child=plan.child).update(entered_in_error_at=timezone.now())
    quality_page = client.get(reverse("returns:data_quality", args=[la.public_id, YEAR.year]))
    assert quality_page.status_code == 200
    body = quality_page.content.decode()
    assert "8600" in body and reverse("cases:child_detail", args=[plan.child.public_id]) in body
