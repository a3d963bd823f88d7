"""The SSDA903 code lists (DfE children looked after return) that the looked-after records use, exactly as
the return has them, so that the return can be produced from the records (see ``reviews.ssda903``).

Codes: the DfE SSDA903 guide as encoded by public 903 tools (the Social Finance ``liia-tools`` schema and
data-to-insight's 903 validator): episodes' ``RNE``, ``LS``, ``CIN``, ``PLACE``, ``PLACE_PROVIDER``,
``REC`` and ``REASON_PLACE_CHANGE``, and the reviews' ``REVIEW_CODE``. The labels are the guide's
descriptions, shortened where they are long; the codes are what counts. ``REC`` is the current list:
``E45``–``E48`` (special guardianship orders) replaced ``E43``/``E44``.

No models here (pages and the API may import this module), only enumerations.
"""

from django.db import models


class LegalStatus(models.TextChoices):
    """SSDA903 ``LS``."""

    C1 = "C1", "C1: Interim care order"
    C2 = "C2", "C2: Full care order"
    D1 = "D1", "D1: Freeing order granted"
    E1 = "E1", "E1: Placement order granted"
    V2 = "V2", "V2: Single period of accommodation under section 20 (Children Act 1989)"
    V3 = "V3", "V3: Accommodated under an agreed series of short-term breaks, when individual episodes of care " \
               "are recorded"
    V4 = "V4", "V4: Accommodated under an agreed series of short-term breaks, when agreements are recorded " \
               "(not individual episodes of care)"
    L1 = "L1", "L1: Under police protection and in local authority accommodation"
    L2 = "L2", "L2: Emergency protection order (EPO)"
    L3 = "L3", "L3: Under child assessment order and in local authority accommodation"
    J1 = "J1", "J1: Remanded to local authority accommodation or to youth detention accommodation"
    J2 = "J2", "J2: Placed in local authority accommodation under the Police and Criminal Evidence Act 1984"
    J3 = "J3", "J3: Sentenced to a youth rehabilitation order with a residence or intensive fostering requirement"


# Short breaks (V3, V4) follow a modified review regime (reg 48, unconfirmed in the timescales document):
# the review cycle here is for every other legal status.
SHORT_BREAKS = (LegalStatus.V3, LegalStatus.V4)
# Legal statuses under which the child is not "in care" (accommodated, remanded or detained), for the
# reg 33(3) triggers that apply before such a child stops being accommodated.
NOT_IN_CARE = (LegalStatus.V2, LegalStatus.V3, LegalStatus.V4, LegalStatus.L1, LegalStatus.L2, LegalStatus.L3,
               LegalStatus.J1, LegalStatus.J2, LegalStatus.J3)


class ReasonNewEpisode(models.TextChoices):
    """SSDA903 ``RNE``: why an SSDA903 episode began."""

    S = "S", "S: Started to be looked after"
    L = "L", "L: Change of legal status only"
    P = "P", "P: Change of placement and carer(s) only"
    T = "T", "T: Change of placement only (same carer(s))"
    B = "B", "B: Change of legal status and change of placement and carer(s) at the same time"
    U = "U", "U: Change of legal status and change of placement at the same time (same carer(s))"


class CategoryOfNeed(models.TextChoices):
    """SSDA903 ``CIN`` (and the CIN census's primary need, N1–N8)."""

    N1 = "N1", "N1: Abuse or neglect"
    N2 = "N2", "N2: Child's disability"
    N3 = "N3", "N3: Parental illness or disability"
    N4 = "N4", "N4: Family in acute stress"
    N5 = "N5", "N5: Family dysfunction"
    N6 = "N6", "N6: Socially unacceptable behaviour"
    N7 = "N7", "N7: Low income"
    N8 = "N8", "N8: Absent parenting"


class PlacementType(models.TextChoices):
    """SSDA903 ``PLACE``."""

    A3 = "A3", "A3: Placed for adoption with consent with current foster carer(s)"
    A4 = "A4", "A4: Placed for adoption with consent, not with current foster carer(s)"
    A5 = "A5", "A5: Placed for adoption with a placement order with current foster carer(s)"
    A6 = "A6", "A6: Placed for adoption with a placement order, not with current foster carer(s)"
    H5 = "H5", "H5: Semi-independent living accommodation not subject to Children's Homes Regulations " \
               "(supported accommodation)"
    K1 = "K1", "K1: Secure children's home"
    K2 = "K2", "K2: Children's home subject to Children's Homes Regulations"
    P1 = "P1", "P1: Placed with own parent(s) or other person(s) with parental responsibility"
    P2 = "P2", "P2: Independent living (flat, lodgings, bedsit, B&B or with friends), with or without formal " \
               "support"
    P3 = "P3", "P3: Residential employment"
    R1 = "R1", "R1: Residential care home"
    R2 = "R2", "R2: NHS or health trust or other establishment providing medical or nursing care"
    R3 = "R3", "R3: Family centre or mother and baby unit"
    R5 = "R5", "R5: Young offender institution (YOI)"
    S1 = "S1", "S1: Residential school (except where dual-registered as a school and children's home)"
    T0 = "T0", "T0: Temporary move of any type"
    T1 = "T1", "T1: Temporary period in hospital"
    T2 = "T2", "T2: Temporary absence of the child on holiday"
    T3 = "T3", "T3: Temporary accommodation while the normal foster carer(s) is/are on holiday"
    T4 = "T4", "T4: Temporary accommodation of seven days or less, for any reason not covered by T1 to T3"
    U1 = "U1", "U1: Foster placement with relative(s) or friend(s): long-term fostering"
    U2 = "U2", "U2: Foster placement with relative(s) or friend(s) who is/are also approved adopter(s): " \
               "fostering for adoption or concurrent planning"
    U3 = "U3", "U3: Foster placement with relative(s) or friend(s): not long-term, not fostering for adoption"
    U4 = "U4", "U4: Foster placement with other foster carer(s): long-term fostering"
    U5 = "U5", "U5: Foster placement with other foster carer(s) who is/are also approved adopter(s): " \
               "fostering for adoption or concurrent planning"
    U6 = "U6", "U6: Foster placement with other foster carer(s): not long-term, not fostering for adoption"
    Z1 = "Z1", "Z1: Other placement"


class PlacementProvider(models.TextChoices):
    """SSDA903 ``PLACE_PROVIDER``."""

    PR0 = "PR0", "PR0: Parent(s) or other person(s) with parental responsibility"
    PR1 = "PR1", "PR1: Own provision (by the local authority)"
    PR2 = "PR2", "PR2: Other local authority provision"
    PR3 = "PR3", "PR3: Other public provision (for example a health trust)"
    PR4 = "PR4", "PR4: Private provision"
    PR5 = "PR5", "PR5: Voluntary or third sector provision"


class ReasonPlaceChange(models.TextChoices):
    """SSDA903 ``REASON_PLACE_CHANGE``: recorded on the placement that ended when the child moved."""

    CARPL = "CARPL", "CARPL: Change to or implementation of the care plan"
    CLOSE = "CLOSE", "CLOSE: Resignation or closure of the provision"
    ALLEG = "ALLEG", "ALLEG: Allegation (section 47)"
    STAND = "STAND", "STAND: Standards of care concern"
    APPRR = "APPRR", "APPRR: Approval removed"
    CREQB = "CREQB", "CREQB: Carer(s) asked for the placement to end because of the child's behaviour"
    CREQO = "CREQO", "CREQO: Carer(s) asked for the placement to end, for another reason"
    CHILD = "CHILD", "CHILD: The child asked for the placement to end"
    LAREQ = "LAREQ", "LAREQ: The responsible or area authority asked for the placement to end"
    PLACE = "PLACE", "PLACE: Change in the status of the placement only"
    OTHER = "OTHER", "OTHER: Other"


class ReasonEpisodeCeased(models.TextChoices):
    """SSDA903 ``REC``. ``X1`` closes an SSDA903 episode that a change of placement or legal status
    follows on the same day: the return writes it; a period of care never ends with it."""

    X1 = "X1", "X1: Episode ceases and a new episode begins on the same day"
    E11 = "E11", "E11: Adopted: application for an adoption order unopposed"
    E12 = "E12", "E12: Adopted: consent dispensed with by the court"
    E13 = "E13", "E13: Left care to live with parent(s), relative(s) or other person(s) with no parental " \
                 "responsibility"
    E14 = "E14", "E14: Accommodation on remand ended"
    E15 = "E15", "E15: Age assessment determined the child is aged 18 or over (E5, E6 and E7 do not apply)"
    E16 = "E16", "E16: Child moved abroad"
    E17 = "E17", "E17: Aged 18 (or over) and remained with current carers (including staying put)"
    E2 = "E2", "E2: Died"
    E3 = "E3", "E3: Care taken over by another local authority in the UK"
    E4A = "E4A", "E4A: Returned home to parent(s) or other person(s) with parental responsibility as part of " \
                 "the care planning process"
    E4B = "E4B", "E4B: Returned home to parent(s) or other person(s) with parental responsibility, not as " \
                 "part of the care planning process"
    E41 = "E41", "E41: Residence order or child arrangements order (with whom the child is to live) granted"
    E45 = "E45", "E45: Special guardianship order made to former foster carer(s) who are relative(s) or " \
                 "friend(s)"
    E46 = "E46", "E46: Special guardianship order made to former foster carer(s), not relative(s) or friend(s)"
    E47 = "E47", "E47: Special guardianship order made to carer(s), not former foster carer(s), who are " \
                 "relative(s) or friend(s)"
    E48 = "E48", "E48: Special guardianship order made to carer(s), not former foster carer(s), not " \
                 "relative(s) or friend(s)"
    E5 = "E5", "E5: Moved into independent living with supportive accommodation (formal advice or support)"
    E6 = "E6", "E6: Moved into independent living without formal advice or support"
    E7 = "E7", "E7: Transferred to residential care funded by adult social care"
    E8 = "E8", "E8: Period of being looked after ceased for any other reason"
    E9 = "E9", "E9: Sentenced to custody"


# the reasons a period of care ends with (every REC code but X1)
PERIOD_END_REASONS = tuple(c for c in ReasonEpisodeCeased if c != ReasonEpisodeCeased.X1)


class ParticipationCode(models.TextChoices):
    """SSDA903 ``REVIEW_CODE``: how the child took part in the review."""

    PN0 = "PN0", "PN0: Child aged under 4 at the time of the review"
    PN1 = "PN1", "PN1: Child physically attends and speaks for themselves"
    PN2 = "PN2", "PN2: Child physically attends and an advocate (or the IRO) speaks for them"
    PN3 = "PN3", "PN3: Child attends and conveys their views symbolically (non-verbally)"
    PN4 = "PN4", "PN4: Child physically attends but does not speak for themselves or convey their views"
    PN5 = "PN5", "PN5: Child does not attend but briefs an advocate (or the IRO) to speak for them"
    PN6 = "PN6", "PN6: Child does not attend but conveys their feelings by another medium (written, phone, " \
                 "audio or video, text)"
    PN7 = "PN7", "PN7: Child does not attend and does not convey their views"


# PN0 is for a child under this age on the day of the review (the SSDA903 code list)
PN0_UNDER_AGE = 4
