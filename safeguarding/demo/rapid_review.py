"""Demo rapid review (issue 12, section 5): a serious incident on its day-by-day plan, today Working Day 8, with
one agency late. Built through ``partnership.services`` only, so every deadline, event and history row is the
real one; dates are relative to today (working days):

- a police officer (the demo ``police`` login) referred a child seriously injured at home, on Working Day 1;
  the business unit (``business.unit``) triaged it a serious incident, which opened the plan;
- Working Day 2: the police, as a statutory partner (the ``police`` login is the police's delegate), decided
  the criteria are met; the consultation step done;
- Working Day 3: chronologies asked of the police, the community health trust and Oakfield Primary School
  (the ``police``, ``health`` and ``school`` logins are their agencies' leads);
- Working Day 4: the National Panel notified (the national rapid review clock starts);
- the police and the school returned their chronologies and forms on Working Day 6; **the health trust has
  added an entry but not returned its form: late** since Working Day 7. The meeting is due tomorrow.

The returns are dated Working Day 6: ``information_return`` stamps today, so the demo moves the two returned
forms' day back (the information step stays open, as health is still out). Idempotent: nothing is made while a
referral from the demo police exists. ``partnership`` is imported inside the functions: the kernel imports no
domain app at import time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from django.utils import timezone

from safeguarding.accounts.models import Agency, Team, User
from safeguarding.clock import services as clock
from safeguarding.clock import workdays

Say = Callable[[str], None]
ENTRIES = {
    "police": [(-40, "Police attended a report of shouting at the family home; no offences; a report to children's "
                     "social care."), (-6, "Call from a neighbour: a child heard crying for a long time.")],
    "oakfield": [(-60, "Attendance fell below 85 %; letter to the parents."),
                 (-20, "The child came to school with a bruise to the cheek; explained as a fall; logged.")],
    "trust": [(-30, "Health visitor's contact: missed the 2-year review; a second appointment offered.")],
}
FORMS = {
    "police": "Two call-outs in the last year; no charges. Information shared with children's social care the "
              "same day. Could have been better: the second call was not linked to the first.",
    "oakfield": "Attendance and one injury logged; the designated safeguarding lead was told. Could have been "
                "better: no referral was made when the bruise was seen.",
}


class DemoRapidReview:
    def __init__(self, *, agencies: dict[str, Agency], logins: dict[str, User], say: Say = print):
        from partnership import services

        self.services = services
        self.agencies, self.logins, self.say = agencies, logins, say
        self.closed = clock.closures()
        today = timezone.localdate()
        self.today = today if workdays.is_working_day(today, self.closed) else workdays.previous_working_day(
            today, self.closed)
        self.working_day_1 = workdays.add_working_days(self.today, -7, self.closed)   # today is Working Day 8

    def day(self, n: int) -> date:
        """Working Day ``n`` of the plan."""
        return workdays.add_working_days(self.working_day_1, n - 1, self.closed)

    def load(self) -> Counter:
        from partnership.models import AgencyRequest, PartnershipSeat, Referral

        created: Counter = Counter()
        police, bu = self.logins.get("police"), self.logins.get("business_unit")
        if police is None or bu is None or Referral.objects.filter(referred_by=police).exists():
            return created
        la = self.agencies["la"]
        s = self.services
        seats = [(police, "police", PartnershipSeat.Kind.PARTNER_DELEGATE),
                 (police, "police", PartnershipSeat.Kind.AGENCY_LEAD),
                 (self.logins.get("school"), "oakfield", PartnershipSeat.Kind.AGENCY_LEAD),
                 (self.logins.get("health"), "trust", PartnershipSeat.Kind.AGENCY_LEAD)]
        for user, key, kind in seats:
            s.seat_give(actor=bu, user=user, agency=self.agencies[key], kind=kind)
        referral = s.referral_make(
            actor=police, referring_agency=self.agencies["police"], local_authority=la, aware_on=self.day(1),
            what_happened="A two-year-old was taken to A&E with a fractured arm and bruising of different ages; "
                          "the explanation given does not fit the injuries.",
            criteria_reason="Serious harm; abuse or neglect suspected; several agencies knew the family.",
            children=[{"first_names": "Mia", "surname": "Crossley", "date_of_birth": date(self.today.year - 2, 6, 3)}])
        s.referral_triage(actor=bu, referral=referral, triage=Referral.Triage.SERIOUS_INCIDENT,
                          rationale="Serious harm with abuse or neglect suspected: notifiable.")
        review = referral.rapid_review
        s.criteria_decide(actor=police, review=review, agency=self.agencies["police"], criteria_met=True,
                          rationale="Serious harm; a rapid review is needed.", decided_on=self.day(2))
        s.rapid_review_step_done(actor=bu, review=review, step="rapid_review_consultation", done_on=self.day(2))
        requests = {r.agency_id: r for r in s.agencies_request(
            actor=bu, review=review, agencies=[self.agencies[k] for k in ("police", "trust", "oakfield")],
            requested_on=self.day(3))}
        s.notification_record(actor=bu, referral=referral, to="national_panel", sent_on=self.day(4),
                              reference=f"SIN-{self.today.year}-0007")
        leads = {"police": police, "oakfield": self.logins.get("school"), "trust": self.logins.get("health")}
        for key, entries in ENTRIES.items():
            request = requests[self.agencies[key].pk]
            for offset, text in entries:
                s.chronology_entry_add(actor=leads[key], request=request, entry=text,
                                       happened_on=workdays.add_working_days(self.day(1), offset, self.closed))
        for key, form in FORMS.items():   # returned on Working Day 6 (see the module's docstring)
            s.information_return(actor=leads[key], request=requests[self.agencies[key].pk], information=form)
            AgencyRequest.objects.filter(pk=requests[self.agencies[key].pk].pk).update(returned_on=self.day(6))
        created["rapid reviews"] += 1
        self.say(f"  created a rapid review on Working Day 8 (Working Day 1: {self.day(1):%-d %B %Y}), "
                 "the health trust's form late")
        return created


def load(*, agencies: dict[str, Agency], teams: dict[str, Team], logins: dict[str, User],
         say: Say = print) -> Counter:
    return DemoRapidReview(agencies=agencies, logins=logins, say=say).load()
