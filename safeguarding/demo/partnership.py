"""Demo partnership: one serious incident referred by the demo police officer three working days ago and
triaged by the business unit as a serious incident, so its rapid review is on its timeline (issue 13: the
business unit's home page shows its work). Built through ``partnership.services`` only. Idempotent: nothing
is made while the demo authority has any partnership referral. ``partnership`` is imported inside the
function: the kernel imports no domain app at import time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.utils import timezone

from safeguarding.accounts.models import Agency
from safeguarding.clock import services as clock
from safeguarding.clock import workdays

Say = Callable[[str], None]


def load(*, la: Agency, teams, logins: dict, say: Say = print) -> Counter:
    from partnership.models import Referral
    from partnership.services import referral_make, referral_triage

    if Referral.objects.filter(local_authority=la).exists():
        return Counter()
    police, business_unit = logins["police"], logins["business_unit"]
    agency = police.memberships.filter(is_active=True).first().agency
    aware_on = workdays.add_working_days(timezone.localdate(), -3, clock.closures())
    referral = referral_make(
        actor=police, referring_agency=agency, local_authority=la, aware_on=aware_on,
        what_happened="A nine-year-old was admitted to hospital with injuries the family could not explain; "
                      "police and children's social care had been involved with the family before.",
        criteria_reason="Serious harm, and abuse or neglect is suspected.",
        children=[{"first_names": "Demo", "surname": "Child", "date_of_birth": None, "nhs_number": "", "upn": ""}])
    referral_triage(actor=business_unit, referral=referral, triage=Referral.Triage.SERIOUS_INCIDENT,
                    rationale="Serious harm and suspected abuse: the criteria for a rapid review may be met.",
                    la_aware_on=aware_on)
    say("Partnership: a serious incident referred and its rapid review opened.")
    return Counter({"partnership referrals": 1})
