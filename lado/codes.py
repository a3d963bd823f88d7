"""The LADO's vocabularies (issue 11; ../shared/domain/statutory-timescales.md section 3): enumerations
only, which pages and the API may import. Labels are what people read; the definitions of the outcome
categories are shown where the choice is made (KCSIE Part four, England's set)."""

from django.db import models


class Sector(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years and nurseries"
    SCHOOL = "school", "Schools"
    FURTHER_EDUCATION = "further_education", "Colleges and further education"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    RESIDENTIAL = "residential", "Children's homes and residential care"
    FOSTERING = "fostering", "Fostering"
    SPORTS = "sports", "Sports and leisure clubs"
    FAITH = "faith", "Faith groups"
    VOLUNTARY = "voluntary", "Charities and voluntary groups"
    AGENCY = "agency", "Employment and supply agencies"
    CONTRACTOR = "contractor", "Contractors"
    OTHER = "other", "Other"


class ReferrerRole(models.TextChoices):
    """The referrer's role in their organisation."""

    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy designated safeguarding lead"
    HEAD = "head", "Head teacher, principal or manager of the setting"
    CASE_MANAGER = "case_manager", "Case manager for the allegation"
    HR = "hr", "Human resources"
    GOVERNANCE = "governance", "Chair of governors, trustee or proprietor"
    OTHER = "other", "Another role"


class EmploymentType(models.TextChoices):
    PAID = "paid", "Paid employee"
    VOLUNTEER = "volunteer", "Volunteer"
    AGENCY = "agency", "Agency worker"
    CONTRACTOR = "contractor", "Contractor"
    GOVERNOR = "governor", "Governor or trustee"


class RegulatedBody(models.TextChoices):
    """The professional regulator of the person the allegation is about (or of the setting)."""

    NONE = "none", "None"
    TRA = "tra", "Teaching Regulation Agency"
    SWE = "swe", "Social Work England"
    NMC = "nmc", "Nursing and Midwifery Council"
    GMC = "gmc", "General Medical Council"
    HCPC = "hcpc", "Health and Care Professions Council"
    OFSTED = "ofsted", "Ofsted"
    OTHER = "other", "Another regulator"


class Regulator(models.TextChoices):
    """A regulator a referral is made to after the outcome."""

    TRA = "tra", "Teaching Regulation Agency"
    SWE = "swe", "Social Work England"
    NMC = "nmc", "Nursing and Midwifery Council"
    GMC = "gmc", "General Medical Council"
    HCPC = "hcpc", "Health and Care Professions Council"
    OFSTED = "ofsted", "Ofsted"
    OTHER = "other", "Another regulator"


class ReferralSource(models.TextChoices):
    PORTAL = "portal", "Referral portal"
    API = "api", "The referrer's own system"
    LADO = "lado", "Recorded by the LADO (telephone, email or letter)"
    CONSULTATION = "consultation", "A consultation that became a referral"


# The four harm criteria (KCSIE Part four, section one; statutory-timescales.md 3.1): field name, words
HARM_CRITERIA = (
    ("harmed", "Behaved in a way that has harmed a child, or may have harmed a child"),
    ("criminal_offence", "Possibly committed a criminal offence against or related to a child"),
    ("risk_of_harm", "Behaved towards a child or children in a way that indicates they may pose a risk of harm "
                     "to children"),
    ("unsuitable", "Behaved or may have behaved in a way that indicates they may not be suitable to work with "
                   "children (including conduct outside work: transferable risk)"),
)


class EvaluationDecision(models.TextChoices):
    MEETING = "meeting", "Allegations management meeting or strategy discussion"
    ADVICE = "advice", "Advice to the employer (the employer's investigation, the LADO monitoring)"
    NFA = "nfa", "No further action by the LADO"


class SubjectInformedBy(models.TextChoices):
    EMPLOYER = "employer", "The employer (case manager)"
    LADO = "lado", "The LADO"
    POLICE = "police", "The police"
    NOT_YET = "not_yet", "Not yet: agreed with the police or children's social care to wait"


class SafetyKind(models.TextChoices):
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"
    REDEPLOYMENT = "redeployment", "Redeployment or changed duties"
    SUSPENSION = "suspension", "Suspension"
    OTHER = "other", "Another safety measure"


class OutcomeCategory(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    FALSE = "false", "False"
    MALICIOUS = "malicious", "Malicious"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    UNFOUNDED = "unfounded", "Unfounded"


# KCSIE Part four's definitions (statutory-timescales.md 3.5; "unfounded" is the later editions' term), shown
# beside each choice
OUTCOME_DEFINITIONS = {
    OutcomeCategory.SUBSTANTIATED: "There is sufficient evidence to prove the allegation.",
    OutcomeCategory.FALSE: "There is sufficient evidence to disprove the allegation.",
    OutcomeCategory.MALICIOUS: "There is sufficient evidence to disprove the allegation and there has been a "
                               "deliberate act to deceive.",
    OutcomeCategory.UNSUBSTANTIATED: "There is insufficient evidence to either prove or disprove the allegation. "
                                     "The term does not imply guilt or innocence.",
    OutcomeCategory.UNFOUNDED: "There is no evidence or proper basis which supports the allegation being made.",
}


class DbsReferral(models.TextChoices):
    MADE = "made", "Referred to the DBS"
    NOT_NEEDED = "not_needed", "Not needed: the person was not removed from regulated activity for harm or risk"
    CONSIDERING = "considering", "The employer is still considering it"


class InvitationKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"


class ConsultationAdvice(models.TextChoices):
    SPEAK_TO_DSL = "speak_to_dsl", "Speak to your designated safeguarding lead first"
    BELOW_THRESHOLD = "below_threshold", "Below the harm threshold: the employer's own procedures"
    LOW_LEVEL_CONCERN = "low_level_concern", "A low-level concern: the employer records and holds it"
    REFER = "refer", "Meets the harm threshold: make a referral"
    OTHER = "other", "Other advice"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"
