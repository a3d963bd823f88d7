"""The rules page (/rules/, clock:rules) and the local closure days in the Django admin.

The page shows every rule, marks this deployment's overrides, and lists the bank holidays and local
closure days of the next 12 months. It holds no case data: any signed-in member of staff reads it.
"""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.models import Role
from safeguarding.clock import views_rules
from safeguarding.clock.models import LocalClosureDay
from tests.factories import UserFactory, make_user
from tests.pages.conftest import check_html

pytestmark = pytest.mark.django_db

URL = "/rules/"


@pytest.fixture(autouse=True)
def no_overrides(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}


@pytest.fixture
def on_25_november_2026(monkeypatch):
    monkeypatch.setattr(views_rules, "today", lambda: date(2026, 11, 25))


def get_page(client) -> str:
    resp = client.get(URL)
    assert resp.status_code == 200
    return check_html(resp)


def rule_row(html: str, key: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row" id="rule-{key}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {key}"
    return re.sub(r"\s+", " ", match.group(1))


def test_the_url_name():
    assert reverse("clock:rules") == URL


# --- who may read it --------------------------------------------------------------------------------------

READERS = ["social_worker", "team_manager", "chair", "iro", "lado", "business_unit", "administrator",
           "police_officer", "school_dsl"]


@pytest.mark.parametrize("who", READERS)
def test_any_member_of_staff_can_read_it(request, client_for, who):
    user = request.getfixturevalue(who)
    html = get_page(client_for(user))
    assert "<h1 class=\"govuk-heading-l\">Statutory timescales</h1>" in html


def test_signed_out_people_are_sent_to_sign_in(db):
    resp = Client().get(URL)
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/login/?next=%2Frules%2F"


def test_api_client_users_never_see_it(client_for, police):
    robot = make_user(police, Role.API_CLIENT, is_api_client=True)
    resp = client_for(robot).get(URL)
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


def test_someone_without_a_membership_is_refused(client_for):
    resp = client_for(UserFactory()).get(URL)
    assert resp.status_code == 403


def test_it_only_answers_get(client_for, social_worker):
    assert client_for(social_worker).post(URL).status_code == 405


# --- what it shows ------------------------------------------------------------------------------------------

ROWS = [
    pytest.param("icpc", ["Initial child protection conference held",
                          "15 working days after the strategy discussion that started the s47 enquiry",
                          "National", "Working Together to Safeguard Children 2023"], id="icpc"),
    pytest.param("outline_plan", ["1 working day after the conference", "Local",
                                  "this area&#x27;s safeguarding children partnership procedures"], id="local"),
    pytest.param("rcpc_next", ["6 calendar months after the previous review conference"], id="months"),
    pytest.param("conference_reports", ["2 working days before the conference"], id="before"),
    pytest.param("lac_review_first", ["20 working days after the child becoming looked after",
                                      "Care Planning, Placement and Case Review (England) Regulations 2010"],
                 id="looked-after"),
    pytest.param("lado_referral", ["Keeping Children Safe in Education"],
                 id="lado"),
    pytest.param("rapid_review", ["15 working days after the serious incident notification"], id="rapid-review"),
]


@pytest.mark.parametrize(("key", "parts"), ROWS)
def test_each_rule_has_its_row(client_for, social_worker, key, parts):
    row = rule_row(get_page(client_for(social_worker)), key)
    for part in parts:
        assert part in row, (part, row)
    assert "govuk-tag" not in row


def test_every_rule_is_on_the_page_under_its_service(client_for, social_worker):
    from safeguarding.clock import rules

    html = get_page(client_for(social_worker))
    for key in rules.all_rules():
        rule_row(html, key)
    for heading in ("Child protection", "Looked-after children", "LADO", "Safeguarding partnership"):
        assert f">{heading}</h2>" in html
    assert 'href="/" class="govuk-back-link">Back to home</a>' in html
    assert "govuk-warning-text" not in html


def test_a_local_override_is_tagged_changed_locally(client_for, social_worker, settings):
    settings.STATUTORY_RULE_OVERRIDES = {"conference_minutes": {"amount": 10, "note": "Guernsey procedure"}}
    html = get_page(client_for(social_worker))
    row = rule_row(html, "conference_minutes")
    assert "10 working days after the conference" in row
    assert "Was: 15 working days after the conference" in row
    assert '<strong class="govuk-tag govuk-tag--blue">Changed locally</strong>' in row
    assert "Guernsey procedure" in row
    assert "National rule overridden" not in html
    assert "govuk-warning-text" not in html


def test_a_national_override_is_tagged_in_red_with_its_note(client_for, social_worker, settings):
    settings.STATUTORY_RULE_OVERRIDES = {
        "icpc": {"amount": 20, "override_national": True, "note": "Agreed by the partnership, March 2026"}}
    html = get_page(client_for(social_worker))
    row = rule_row(html, "icpc")
    assert "20 working days after the strategy discussion" in row
    assert "Was: 15 working days" in row
    assert '<strong class="govuk-tag govuk-tag--red">National rule overridden</strong>' in row
    assert "Agreed by the partnership, March 2026" in row
    warning = re.sub(r"\s+", " ", html[html.index("govuk-warning-text"):])
    assert "This service has changed 1 national rule: initial child protection conference held." in warning
    assert "Changed locally" not in html


def test_a_rapid_review_anchored_on_awareness(client_for, social_worker, settings):
    settings.STATUTORY_RULE_OVERRIDES = {
        "rapid_review": {"anchor": "the local authority becoming aware", "override_national": True}}
    row = rule_row(get_page(client_for(social_worker)), "rapid_review")
    assert "15 working days after the local authority becoming aware" in row
    assert "National rule overridden" in row


# The next 12 months from Wednesday 25 November 2026 (to 24 November 2027), worked out by hand:
# Boxing Day 2026 is a Saturday, so it is shown on Monday 28 December only.
NEXT_12_MONTHS = [
    "Friday 25 December 2026", "Monday 28 December 2026", "Friday 1 January 2027", "Friday 26 March 2027",
    "Monday 29 March 2027", "Monday 3 May 2027", "Monday 31 May 2027", "Monday 30 August 2027",
]


def non_working_rows(html: str) -> list[list[str]]:
    section = html[html.index('id="non-working-days"'):]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", section, re.S)
    return [[re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows[1:] if "<td" in row]


def test_bank_holidays_of_the_next_12_months(client_for, social_worker, on_25_november_2026):
    html = get_page(client_for(social_worker))
    rows = non_working_rows(html)
    assert [r[0] for r in rows] == NEXT_12_MONTHS
    assert all(r[2] == "Bank holiday" for r in rows)
    assert rows[1][1] == "Boxing Day (observed)"
    assert "Saturday 26 December 2026" not in html
    assert "From 25 November 2026 to 24 November 2027" in html


def test_local_closure_days_of_the_next_12_months(client_for, social_worker, on_25_november_2026):
    LocalClosureDay.objects.create(date=date(2026, 12, 29), name="Council offices closed")
    LocalClosureDay.objects.create(date=date(2026, 11, 24), name="Yesterday's closure")
    LocalClosureDay.objects.create(date=date(2027, 11, 25), name="Too far ahead")
    rows = non_working_rows(get_page(client_for(social_worker)))
    assert ["Tuesday 29 December 2026", "Council offices closed", "Local closure day"] in rows
    assert [r[0] for r in rows] == NEXT_12_MONTHS[:2] + ["Tuesday 29 December 2026"] + NEXT_12_MONTHS[2:]


def test_no_non_working_days_at_all(client_for, social_worker, monkeypatch):
    # a whole year always has bank holidays: pretend it has none, to see the empty state
    monkeypatch.setattr(views_rules.workdays, "bank_holidays", lambda start, end: [])
    html = get_page(client_for(social_worker))
    assert "There are no bank holidays or closure days in the next 12 months." in html


# --- local closure days in the Django admin ---------------------------------------------------------------


@pytest.fixture
def admin_client(la):
    user = make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin", is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(user)
    return c


def test_administrators_add_a_closure_day_and_it_changes_due_dates(admin_client):
    from io import StringIO

    from django.core.management import call_command

    resp = admin_client.post("/admin/clock/localclosureday/add/",
                             {"date": "2026-12-29", "name": "Council offices closed"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    closure = LocalClosureDay.objects.get()
    assert closure.history.count() == 1
    out = StringIO()
    call_command("statutory_due", "outline_plan", "2026-12-24", stdout=out)
    assert out.getvalue() == "2026-12-30\n"  # Tue 29 closed, so Wed 30 December

    listing = admin_client.get("/admin/clock/localclosureday/").content.decode()
    assert "Council offices closed" in listing and "Tuesday" in listing
    assert admin_client.get(f"/admin/clock/localclosureday/{closure.pk}/history/").status_code == 200


def test_administrators_can_delete_a_closure_day(admin_client):
    closure = LocalClosureDay.objects.create(date=date(2026, 12, 29), name="Council offices closed")
    resp = admin_client.post(f"/admin/clock/localclosureday/{closure.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    assert not LocalClosureDay.objects.exists()
    assert LocalClosureDay.history.filter(history_type="-").count() == 1  # the deletion is in the history


def test_a_closure_day_is_unique(admin_client):
    LocalClosureDay.objects.create(date=date(2026, 12, 29), name="Council offices closed")
    resp = admin_client.post("/admin/clock/localclosureday/add/", {"date": "2026-12-29", "name": "Again"})
    assert resp.status_code == 200  # the form again, with the error
    assert LocalClosureDay.objects.count() == 1


def test_no_rule_key_is_shown_and_local_rules_cite_this_deployments_procedures(client_for, social_worker, settings):
    settings.LOCAL_PROCEDURES_NAME = "Northmoor Safeguarding Children Partnership procedures"
    settings.LOCAL_PROCEDURES_URL = "https://procedures.example.com/northmoor/"
    html = get_page(client_for(social_worker))
    visible = re.sub(r"<[^>]+>", " ", html)  # the words people read (ids and attributes left out)
    from safeguarding.clock import rules

    for key in ("lado_referral", "rcpc_next", "lac_review_sw_contact"):
        assert key not in visible
    assert "<code>" not in html
    row = rule_row(html, "outline_plan")
    assert '<a class="govuk-link" href="https://procedures.example.com/northmoor/">Northmoor Safeguarding Children ' \
           'Partnership procedures</a>' in row
    for rule in rules.all_rules().values():
        if rule.scope is rules.Scope.LOCAL:
            assert rule.source not in visible  # another area's procedures are never cited as this one's
    assert "North Yorkshire" not in visible and "Nottinghamshire" not in visible
    national = rule_row(html, "icpc")
    assert "Working Together to Safeguard Children 2023" in national
