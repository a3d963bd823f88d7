"""The fixed parts of the demo world: agencies, teams, logins, names and chronology wording.

Everything here is fictional. Identifiers are chosen so they can never belong to a real person:
NHS numbers start with 999 (the range NHS England keeps for testing), phone numbers are in the
Ofcom drama range, email addresses use the reserved ``.test`` and ``example.com`` domains, and
postcodes use the ``NM`` area, which Royal Mail does not use.
"""

import uuid
from dataclasses import dataclass

from safeguarding.accounts.models import AgencyKind, Role

SEED = 2026
DEFAULT_CHILDREN = 200
DEMO_PASSWORD = "demo-password-2026"
EMAIL_DOMAIN = "demo.safeguarding-hub.test"

# Demo agencies and teams carry public ids derived from their keys, so later runs find them again
# even after someone renames them.
_NAMESPACE = uuid.UUID("6f1c3c52-7d1e-4f0e-9a53-2b6d0c0de2a6")


def demo_uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, key)


# --- agencies and teams -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: str
    statutory_partner: bool = False
    email_domain: str = ""
    establishment: int | None = None  # schools: DfE establishment number (4 digits), used in UPNs
    ages: tuple[int, int] | None = None  # schools: youngest and oldest age on roll


LA = AgencySpec("la", "Northmoor Borough Council", AgencyKind.LOCAL_AUTHORITY, True, "northmoor.gov.test")
LA_CODE = 823  # the 3-digit local authority code in UPNs

AGENCIES: tuple[AgencySpec, ...] = (
    LA,
    # the statutory safeguarding partners are the council, the police and the integrated care board
    AgencySpec("police", "Northmoor Constabulary", AgencyKind.POLICE, True, "northmoor.police.test"),
    AgencySpec("icb", "NHS Northmoor Integrated Care Board", AgencyKind.HEALTH, True, "nhs.test"),
    AgencySpec("trust", "Northmoor Community Health NHS Trust", AgencyKind.HEALTH, False, "nhs.test"),
    AgencySpec("gp", "Hollins Lane Medical Practice", AgencyKind.HEALTH, False, "nhs.test"),
    AgencySpec("probation", "Probation Service: Northmoor Delivery Unit", AgencyKind.PROBATION, False,
               "probation.test"),
    AgencySpec("voluntary", "Northmoor Family Support Project", AgencyKind.VOLUNTARY, False, "nfsp.org.test"),
    AgencySpec("oakfield", "Oakfield Primary School", AgencyKind.EDUCATION, False, "oakfield.sch.test",
               2041, (4, 10)),
    AgencySpec("st_aidans", "St Aidan's CE Primary School", AgencyKind.EDUCATION, False, "staidans.sch.test",
               3312, (4, 10)),
    AgencySpec("brookside", "Brookside Nursery and Infant School", AgencyKind.EDUCATION, False,
               "brookside.sch.test", 2107, (3, 6)),
    AgencySpec("moorside", "Moorside Academy", AgencyKind.EDUCATION, False, "moorside.sch.test",
               4005, (11, 15)),
    AgencySpec("hollins_park", "Hollins Park High School", AgencyKind.EDUCATION, False,
               "hollinspark.sch.test", 4021, (11, 17)),
    AgencySpec("greenbank", "Greenbank Special School", AgencyKind.EDUCATION, False, "greenbank.sch.test",
               7003, (3, 17)),
)
AGENCY_BY_KEY = {a.key: a for a in AGENCIES}
SCHOOL_KEYS = tuple(a.key for a in AGENCIES if a.kind == AgencyKind.EDUCATION)

# (key, name); every team belongs to the council
TEAMS: tuple[tuple[str, str], ...] = (
    ("assessment", "Assessment Team"),
    ("cin", "Child in Need Team"),
    ("cp", "Child Protection Team"),
    ("cic", "Children in Care Team"),
    ("sqa", "Safeguarding & Quality Assurance Unit"),
)
# the share of children held by each casework team; None: no team and no worker
TEAM_WEIGHTS = {"assessment": 24, "cin": 26, "cp": 26, "cic": 18, None: 6}
# generated staff of each casework team: (social workers, whether to generate a team manager).
# The Child Protection Team also has the demo social worker and team manager.
GENERATED_STAFF = {"assessment": (3, True), "cin": (3, True), "cp": (2, False), "cic": (3, True)}
SOCIAL_WORKER_TITLES = ("Social Worker", "Social Worker", "Senior Practitioner", "Advanced Practitioner")
DEMO_CASELOAD_SHARE = 0.075  # about 15 of 200 children are the demo social worker's


# --- the logins -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginSpec:
    key: str
    role: str
    email_local: str
    full_name: str
    job_title: str
    agency: str
    team: str | None = None
    admin: bool = False  # also is_staff and is_superuser (the Django admin)

    @property
    def email(self) -> str:
        return f"{self.email_local}@{EMAIL_DOMAIN}"

    @property
    def label(self) -> str:
        label = Role(self.role).label
        if self.role == Role.PARTNER_PRACTITIONER:
            label = f"{label} ({AgencyKind(AGENCY_BY_KEY[self.agency].kind).label.lower()})"
        return label


LOGINS: tuple[LoginSpec, ...] = (
    LoginSpec("chair", Role.CONFERENCE_CHAIR, "chair", "Helen Ashworth", "Child Protection Conference Chair",
              "la", "sqa"),
    LoginSpec("chair2", Role.CONFERENCE_CHAIR, "chair2", "Martin Ellison", "Child Protection Conference Chair",
              "la", "sqa"),
    LoginSpec("iro", Role.IRO, "iro", "Daniel Mensah", "Independent Reviewing Officer", "la", "sqa"),
    LoginSpec("lado", Role.LADO_OFFICER, "lado", "Rachel Thornton", "Local Authority Designated Officer",
              "la", "sqa"),
    LoginSpec("social_worker", Role.SOCIAL_WORKER, "social.worker", "Sam Patel", "Social Worker", "la", "cp"),
    LoginSpec("team_manager", Role.TEAM_MANAGER, "team.manager", "Joanne Whitfield",
              "Team Manager, Child Protection Team", "la", "cp"),
    LoginSpec("service_manager", Role.SERVICE_MANAGER, "service.manager", "Andrew Gallagher",
              "Head of Service, Safeguarding and Family Support", "la"),
    LoginSpec("business_unit", Role.PARTNERSHIP_BUSINESS_UNIT, "business.unit", "Nadia Hussain",
              "Safeguarding Partnership Business Manager", "la"),
    LoginSpec("police", Role.PARTNER_PRACTITIONER, "police", "Lee Harrison",
              "Detective Constable, Child Abuse Investigation Team", "police"),
    LoginSpec("school", Role.PARTNER_PRACTITIONER, "school", "Claire Bennett", "Designated Safeguarding Lead",
              "oakfield"),
    LoginSpec("health", Role.PARTNER_PRACTITIONER, "health", "Fiona Doyle", "Health Visitor", "trust"),
    LoginSpec("admin", Role.ADMINISTRATOR, "admin", "Alex Morgan", "Systems Administrator", "la", admin=True),
)
LOGIN_BY_KEY = {spec.key: spec for spec in LOGINS}
# the partner practitioners; their agencies must have open involvements with some children
PARTNER_LOGINS = tuple(spec.key for spec in LOGINS if spec.role == Role.PARTNER_PRACTITIONER)


# --- people and places ----------------------------------------------------------------------------
GIRLS = tuple("""
    Olivia Amelia Isla Ava Lily Freya Ivy Florence Willow Isabella Mia Poppy Sophia Evie Grace Ruby Ella
    Daisy Millie Harper Sienna Esme Aisha Maryam Zara Amira Maja Zuzanna Chloe Jessica Lacey Kayla Summer Tia
    Courtney Elizabeth Katherine Abigail Rebecca Victoria
""".split())
BOYS = tuple("""
    Oliver George Noah Arthur Leo Muhammad Harry Oscar Archie Henry Theo Jack Charlie Freddie Alfie Jacob
    Thomas Joshua Riley Mason Tyler Kai Ibrahim Yusuf Ayaan Jakub Filip Reece Connor Liam Jayden Kieran
    Callum Lewis William Alexander Benjamin Samuel Daniel Joseph
""".split())
PREFERRED = {
    "William": "Will", "Alexander": "Alex", "Benjamin": "Ben", "Samuel": "Sam", "Daniel": "Danny",
    "Joseph": "Joe", "Thomas": "Tommy", "Joshua": "Josh", "Jacob": "Jake", "Elizabeth": "Lizzie",
    "Katherine": "Kate", "Abigail": "Abbie", "Rebecca": "Becky", "Victoria": "Tori", "Isabella": "Bella",
    "Jessica": "Jess", "Olivia": "Liv", "Florence": "Flo",
}
STREET_SUFFIXES = tuple("Road Street Lane Close Avenue Drive Crescent Grove Way Gardens Walk Rise".split())
TOWNS = ("Northmoor", "Northmoor", "Northmoor", "Eastbridge", "Eastbridge", "Hollins", "Moorside",
         "Greenbank", "Ashton Vale", "Kirkby Moor")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters used at the end of a postcode

# CIN census ethnicity codes with rough weights, and the first languages that go with some of them
ETHNICITY_WEIGHTS = {
    "WBRI": 60, "WOTH": 6, "WIRI": 1, "WROM": 1, "WIRT": 1, "MWBC": 4, "MWBA": 2, "MWAS": 3, "MOTH": 3,
    "AIND": 3, "APKN": 6, "ABAN": 2, "AOTH": 1, "BCRB": 2, "BAFR": 4, "BOTH": 1, "CHNE": 1, "OOTH": 1,
    "NOBT": 2, "REFU": 1,
}
LANGUAGES = {
    "WOTH": ("Polish", "Romanian", "Lithuanian", "English"),
    "WROM": ("Romanian", "Slovak"),
    "APKN": ("Urdu", "Punjabi", "English", "English"),
    "ABAN": ("Bengali", "Sylheti", "English"),
    "AIND": ("Gujarati", "Punjabi", "English", "English"),
    "BAFR": ("Somali", "Tigrinya", "Arabic", "English", "English"),
    "OOTH": ("Arabic", "Kurdish", "Pashto"),
    "CHNE": ("Cantonese", "Mandarin", "English"),
}
DISABILITY_CODES = ("LD", "COMM", "AUT", "BEH", "HEAR", "VIS", "MOB", "DDA")


# --- involvements ---------------------------------------------------------------------------------
PRIMARY_ROLES = ("Designated safeguarding lead", "Class teacher", "SENCo", "Pastoral lead")
SECONDARY_ROLES = ("Designated safeguarding lead", "Head of year", "SENCo", "Pastoral lead")
POLICE_ROLES = ("Officer in the case", "Public protection unit", "Child abuse investigation team",
                "Missing from home coordinator")
VOLUNTARY_ROLES = ("Family support worker", "Young carers worker", "Domestic abuse outreach worker")


# --- chronology -----------------------------------------------------------------------------------
# Placeholders: {child} the child's first (or preferred) name, {adult} the mother's full name,
# {school} the child's school.
ROUTINE, SIGNIFICANT, CRITICAL = "routine", "significant", "critical"

# Everyday entries, by the kind of agency they come from: (significance, summary, youngest, oldest),
# the ages being those of the children the entry fits. Entries naming {school} need a school.
CHRONOLOGY = {
    "la": (
        (ROUTINE, "Home visit completed. {child} seen alone in their bedroom; said things at home are 'OK'.",
         5, 17),
        (ROUTINE, "Home visit completed; {child} seen with {adult}, warm interaction observed.", 0, 4),
        (ROUTINE, "Telephone call with {adult} to arrange the next home visit; {adult} engaged well.", 0, 17),
        (ROUTINE, "Direct work session with {child} using the three houses tool.", 5, 17),
        (SIGNIFICANT,
         "Contact received from {school} about {child}'s presentation; passed to the Assessment Team.",
         3, 17),
        (SIGNIFICANT,
         "Unannounced home visit: home conditions poor, little food in the house; safety plan agreed "
         "with {adult}.", 0, 17),
        (CRITICAL,
         "{adult} reported that {child} had not come home overnight; missing episode reported to police.",
         11, 17),
    ),
    "police": (
        (SIGNIFICANT,
         "Police attended the family home after a report of domestic abuse; {child} present. "
         "DASH risk assessment: medium.", 0, 17),
        (SIGNIFICANT,
         "Police notification: {adult} arrested for possession of a controlled drug; children at home "
         "with a relative.", 0, 17),
        (CRITICAL,
         "Police attended after a report of a serious assault in the household; {child} taken to a place "
         "of safety under police protection.", 0, 17),
        (ROUTINE, "Police attended a neighbour dispute at the address; no concerns for {child} noted.",
         0, 17),
        (SIGNIFICANT,
         "{child} reported missing by carer; found safe after six hours; return home interview offered.",
         11, 17),
    ),
    "health": (
        (ROUTINE, "Health visitor developmental review completed; {child} meeting milestones.", 0, 4),
        (SIGNIFICANT, "{child} was not brought to two consecutive health appointments.", 0, 17),
        (SIGNIFICANT,
         "{child} attended the emergency department with a burn to the hand; explanation given by "
         "{adult} consistent with the injury.", 1, 17),
        (CRITICAL,
         "{child} attended the emergency department with unexplained bruising; child protection medical "
         "requested.", 0, 17),
        (ROUTINE, "School nurse drop-in session; {child} talked about worries about sleep.", 8, 17),
    ),
    "gp": (
        (ROUTINE, "GP appointment: {child} seen with {adult} for asthma review.", 2, 17),
        (SIGNIFICANT, "GP shared concerns about {adult}'s mental health and the impact on parenting.", 0, 17),
    ),
    "education": (
        (ROUTINE, "Attendance this term is 91%; {school} will monitor.", 4, 17),
        (SIGNIFICANT,
         "Attendance at {school} has fallen to 78%; letter sent and meeting arranged with {adult}.", 4, 17),
        (SIGNIFICANT,
         "{child} told a teacher at {school} that there is shouting at home and they are scared at night; "
         "referral made to children's services.", 5, 17),
        (ROUTINE, "Early help assessment reviewed at {school}; {child} attending breakfast club daily.",
         4, 14),
        (CRITICAL,
         "{child} arrived at {school} with a mark on the face and said an adult at home had hit them; "
         "referral made and police informed.", 4, 17),
    ),
    "probation": (
        (SIGNIFICANT,
         "Probation informed children's services that {adult} has been released on licence and plans to "
         "return to the family home.", 0, 17),
    ),
    "voluntary": (
        (ROUTINE, "Family support worker began weekly sessions with {adult} on routines and boundaries.",
         0, 17),
        (ROUTINE, "{child} attended the young carers group for the first time.", 8, 17),
    ),
}

# The entries that put a child in their current state, by allocated team:
# (source, significance, (from, to) days ago, summary). Each team's entries follow each other in time.
TEAM_MILESTONES = {
    "assessment": (
        ("la", SIGNIFICANT, (5, 40),
         "Contact received and accepted as a referral; child and family assessment started."),
    ),
    "cin": (
        ("la", SIGNIFICANT, (120, 400),
         "Child and family assessment completed; recommendation: child in need plan."),
        ("la", ROUTINE, (20, 110),
         "Child in need review meeting held; plan updated, next review in three months."),
    ),
    "cp": (
        ("la", SIGNIFICANT, (90, 500),
         "Strategy discussion held with police and health; agreed to start section 47 enquiries."),
        ("la", SIGNIFICANT, (60, 80),
         "Initial child protection conference held; {child} made subject to a child protection plan "
         "(category: {category})."),
        ("la", ROUTINE, (5, 40), "Core group meeting held; {adult} attended and agreed the actions."),
    ),
    "cic": (
        ("la", CRITICAL, (200, 900),
         "{child} became looked after and was placed with {placement} ({legal_basis})."),
        ("la", ROUTINE, (10, 150),
         "Looked-after child review held; care plan endorsed by the independent reviewing officer."),
    ),
}
CP_CATEGORIES = ("neglect", "neglect", "emotional abuse", "physical abuse", "sexual abuse",
                 "multiple categories")
CIC_LEGAL_BASIS = ("section 20 agreement with {adult}", "interim care order", "care order")

# (source, significance, summary), for unborn children
UNBORN_CHRONOLOGY = (
    ("trust", SIGNIFICANT,
     "Pre-birth referral from the community midwife: {adult} disclosed previous children removed from "
     "her care."),
    ("la", SIGNIFICANT, "Pre-birth assessment started; first home visit to {adult} completed."),
    ("trust", ROUTINE, "Antenatal booking appointment attended by {adult}."),
    ("police", SIGNIFICANT,
     "Police shared two call-outs for domestic abuse at {adult}'s address in the last year."),
)

CLOSURE_REASONS = (
    "No further action following the child and family assessment; family supported by early help.",
    "Moved out of the borough; case transferred to Southvale City Council.",
)
RESTRICTION_REASONS = {
    "profile": "Family is known in the local press; restricted to the allocated worker and managers.",
    "staff": "A parent is employed by Northmoor Borough Council children's services.",
    "police": "Restricted on police advice while a criminal investigation is under way.",
}

# The periods of care's postcodes (the SSDA903 return's HOME_POST and PL_POST, ADR 27). The SSDA903 validator
# checks them against the ONS postcode list, so the fictional NM area cannot be used there: the demo gives the
# public, non-residential postcodes of the offices of Central Bedfordshire Council, the authority whose codes
# the demo's returns carry (settings RETURNS_LA_CODE 823, RETURNS_LA_ONS_CODE E06000056), never a home's.
CARE_HOME_POSTCODE = "SG17 5TQ"  # Priory House, Chicksands, Shefford (the council's offices)
CARE_PLACEMENT_POSTCODE = "LU6 1LF"  # Watling House, Dunstable (the council's offices)
